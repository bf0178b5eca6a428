// `ctx.signal` of one attempt of a worker with policies: aborted when the run times out, or
// when its message's own signal aborts (a request's timeout, stop's deadline). The
// AbortController and the listener on the message's signal are made only if the worker reads
// `ctx.signal` (or the attempt goes to a thread): most runs never do, and never pay for them.

export class AttemptSignal {
  // Plain fields (not `#private`), set in the constructor in one order: one object shape for
  // every attempt, the cheapest to allocate on a worker's hot path.
  private controller: AbortController | undefined;
  private onParent: (() => void) | undefined;
  private abortedBy: { reason: unknown } | undefined;

  constructor(private readonly parent: AbortSignal) {
    this.controller = undefined;
    this.onParent = undefined;
    this.abortedBy = undefined;
  }

  get signal(): AbortSignal {
    let controller = this.controller;
    if (controller === undefined) {
      controller = new AbortController();
      this.controller = controller;
      const parent = this.parent;
      if (this.abortedBy !== undefined) controller.abort(this.abortedBy.reason);
      else if (parent.aborted) controller.abort(parent.reason);
      else {
        const c = controller;
        this.onParent = () => c.abort(parent.reason);
        parent.addEventListener("abort", this.onParent, { once: true });
      }
    }
    return controller.signal;
  }

  /** Nobody read `signal` and nothing aborted it: the attempt left no trace, it can be used again. */
  get untouched(): boolean {
    return this.controller === undefined && this.abortedBy === undefined;
  }

  /** Aborted by a timeout, or by the message's own signal. */
  get aborted(): boolean {
    return this.abortedBy !== undefined || this.parent.aborted;
  }

  /** Aborts the attempt (a timeout); `false` when it was aborted already. */
  abort(reason: unknown): boolean {
    if (this.aborted) return false;
    this.abortedBy = { reason };
    this.controller?.abort(reason);
    return true;
  }

  /** The attempt ended: its listener on the message's signal goes. */
  dispose(): void {
    const onParent = this.onParent;
    if (onParent !== undefined) {
      this.onParent = undefined;
      this.parent.removeEventListener("abort", onParent);
    }
  }
}
