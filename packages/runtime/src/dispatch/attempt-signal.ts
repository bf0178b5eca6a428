// `ctx.signal` of one attempt of a worker with policies: aborted when the run times out, or
// when its message's own signal aborts (a request's timeout, stop's deadline). The
// AbortController and the listener on the message's signal are made only if the worker reads
// `ctx.signal` (or the attempt goes to a thread): most runs never do, and never pay for them.

export class AttemptSignal {
  #controller: AbortController | undefined = undefined;
  #onParent: (() => void) | undefined = undefined;
  #aborted = false;
  #reason: unknown = undefined;

  constructor(private readonly parent: AbortSignal) {}

  get signal(): AbortSignal {
    let controller = this.#controller;
    if (controller === undefined) {
      controller = new AbortController();
      this.#controller = controller;
      const parent = this.parent;
      if (this.#aborted) controller.abort(this.#reason);
      else if (parent.aborted) controller.abort(parent.reason);
      else {
        const c = controller;
        this.#onParent = () => c.abort(parent.reason);
        parent.addEventListener("abort", this.#onParent, { once: true });
      }
    }
    return controller.signal;
  }

  /** Aborted by a timeout, or by the message's own signal. */
  get aborted(): boolean {
    return this.#aborted || this.parent.aborted;
  }

  /** Aborts the attempt (a timeout); `false` when it was aborted already. */
  abort(reason: unknown): boolean {
    if (this.aborted) return false;
    this.#aborted = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
    return true;
  }

  /** The attempt ended: its listener on the message's signal goes. */
  dispose(): void {
    const onParent = this.#onParent;
    if (onParent !== undefined) {
      this.#onParent = undefined;
      this.parent.removeEventListener("abort", onParent);
    }
  }
}
