import type { PendingRequest } from "./pending-request.js";

/**
 * The requests pending on one caller's `AbortSignal`. However many requests share a signal,
 * it carries a single abort listener (this object), added with the first pending request and
 * removed when the last one settles, so many concurrent requests never trip Node's
 * `MaxListenersExceededWarning` and settled requests leave nothing on the signal.
 */
class SignalRequests {
  /** Each pending request, with the controller that aborts its put and handler. */
  private readonly requests = new Map<PendingRequest, AbortController>();

  constructor(private readonly signal: AbortSignal) {}

  add(pending: PendingRequest, controller: AbortController): void {
    this.requests.set(pending, controller);
  }

  /** Forgets a settled request; the last one out removes the listener. */
  remove(pending: PendingRequest): void {
    if (!this.requests.delete(pending) || this.requests.size > 0) return;
    this.signal.removeEventListener("abort", this);
    if (watches.get(this.signal) === this) watches.delete(this.signal);
  }

  /** The signal aborted: every pending request rejects with its reason. */
  handleEvent(): void {
    const reason: unknown = this.signal.reason;
    // Rejecting a request removes it from the map (its cleanup calls `remove`).
    for (const [pending, controller] of [...this.requests]) {
      pending.reject(reason);
      controller.abort(reason);
    }
  }
}

const watches = new WeakMap<AbortSignal, SignalRequests>();

/**
 * Rejects `pending` with `signal.reason` (and aborts `controller`) if `signal` aborts before
 * `pending` settles; sets `pending.cleanup` so that settling unregisters it.
 */
export function watchSignal(
  signal: AbortSignal,
  pending: PendingRequest,
  controller: AbortController,
): void {
  let watch = watches.get(signal);
  if (watch === undefined) {
    watch = new SignalRequests(signal);
    watches.set(signal, watch);
    signal.addEventListener("abort", watch, { once: true });
  }
  watch.add(pending, controller);
  const owner = watch;
  pending.cleanup = () => owner.remove(pending);
}
