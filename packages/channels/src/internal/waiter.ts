import type { AbortSignalLike } from "../types.js";
import { hostQueueMicrotask } from "./host.js";

/** How a waiter reports its outcome. */
export const PROMISE = 0;
/** Resolves an `IteratorResult` instead of the bare value (a `for await` step). */
export const ITERATOR = 1;
/** Calls `callback` in a microtask (a `putAsync` parked put). */
export const CALLBACK = 2;
/** One operation of an `alts`; the outcome commits the whole alt. */
export const ALT = 3;

/** The `{ value, channel }` an `alts` resolves to. */
export interface AltOutcome {
  value: unknown;
  channel: unknown;
}

/** The shared state of one `alts` call: exactly one of its waiters commits. */
export class AltState {
  readonly waiters: Waiter[] = [];
  resolve: (outcome: AltOutcome) => void;
  reject: (reason: unknown) => void;
  signal: AbortSignalLike | undefined = undefined;
  onAbort: (() => void) | undefined = undefined;

  constructor(resolve: (outcome: AltOutcome) => void, reject: (reason: unknown) => void) {
    this.resolve = resolve;
    this.reject = reject;
  }

  /** Unlinks every waiter still queued on a channel; none of them may ever fire. */
  cancel(): void {
    const ws = this.waiters;
    for (let i = 0; i < ws.length; i++) {
      const w = ws[i]!;
      if (w.queue !== undefined) w.queue.remove(w);
    }
    if (this.signal !== undefined) this.signal.removeEventListener("abort", this.onAbort!);
  }

  commit(channel: unknown, result: unknown): void {
    this.cancel();
    this.resolve({ value: result, channel });
  }
}

const DONE: IteratorResult<never, undefined> = Object.freeze({ value: undefined, done: true });

/**
 * A parked put or take, linked into its channel's FIFO queue (intrusive doubly linked list:
 * O(1) append, removal of the head, and removal from the middle when an alt loses or a signal
 * aborts). A waiter is only ever in a queue while live, so queues never hold dead entries.
 */
export class Waiter {
  next: Waiter | undefined = undefined;
  prev: Waiter | undefined = undefined;
  queue: WaiterQueue | undefined = undefined;
  /** For a put: the value offered. */
  value: unknown;
  kind: number;
  resolve: ((value: any) => void) | undefined = undefined;
  reject: ((reason: unknown) => void) | undefined = undefined;
  callback: ((accepted: boolean) => void) | undefined = undefined;
  alt: AltState | undefined = undefined;
  channel: unknown = undefined;
  signal: AbortSignalLike | undefined = undefined;
  onAbort: (() => void) | undefined = undefined;

  constructor(kind: number, value: unknown) {
    this.kind = kind;
    this.value = value;
  }

  /**
   * Settles the waiter with `result` (the taken value, or a put's `true`). The waiter must
   * already be unlinked from its queue.
   */
  complete(result: unknown): void {
    switch (this.kind) {
      case PROMISE:
        if (this.signal !== undefined) this.unlisten();
        this.resolve!(result);
        return;
      case ITERATOR:
        this.resolve!(result === undefined ? DONE : { value: result, done: false });
        return;
      case CALLBACK: {
        const cb = this.callback;
        if (cb !== undefined) hostQueueMicrotask(() => cb(result as boolean));
        return;
      }
      default:
        this.alt!.commit(this.channel, result);
    }
  }

  /** Registers the abort listener of a parked promise operation. */
  listen(signal: AbortSignalLike): void {
    this.signal = signal;
    this.onAbort = () => {
      if (this.queue !== undefined) this.queue.remove(this);
      this.reject!(signal.reason);
    };
    signal.addEventListener("abort", this.onAbort, { once: true });
  }

  private unlisten(): void {
    this.signal!.removeEventListener("abort", this.onAbort!);
    this.signal = undefined;
  }
}

/** FIFO of live waiters. */
export class WaiterQueue {
  head: Waiter | undefined = undefined;
  tail: Waiter | undefined = undefined;
  length = 0;

  push(w: Waiter): void {
    w.queue = this;
    const tail = this.tail;
    if (tail === undefined) {
      this.head = w;
    } else {
      tail.next = w;
      w.prev = tail;
    }
    this.tail = w;
    this.length++;
  }

  /** Unlinks and returns the oldest waiter. Callers check `head` first. */
  shift(): Waiter {
    const w = this.head!;
    const next = w.next;
    this.head = next;
    if (next === undefined) this.tail = undefined;
    else {
      next.prev = undefined;
      w.next = undefined;
    }
    w.queue = undefined;
    this.length--;
    return w;
  }

  remove(w: Waiter): void {
    const prev = w.prev;
    const next = w.next;
    if (prev === undefined) this.head = next;
    else prev.next = next;
    if (next === undefined) this.tail = prev;
    else next.prev = prev;
    w.prev = undefined;
    w.next = undefined;
    w.queue = undefined;
    this.length--;
  }
}
