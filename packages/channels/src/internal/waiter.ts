import type { AbortSignalLike } from "../types.js";
import { hostQueueMicrotask } from "./host.js";

/** Resolves a promise with the outcome (a `put`/`take`). */
export const PROMISE = 0;
/** Resolves an `IteratorResult` instead of the bare value (a `for await` step). */
export const ITERATOR = 1;
/** Calls the callback in a microtask (a `putAsync` parked put). */
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
  /** The channel of each waiter, by index. */
  readonly channels: unknown[] = [];
  readonly resolve: (outcome: AltOutcome) => void;
  signal: AbortSignalLike | undefined = undefined;
  onAbort: (() => void) | undefined = undefined;

  constructor(resolve: (outcome: AltOutcome) => void) {
    this.resolve = resolve;
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

  commit(w: Waiter, result: unknown): void {
    this.cancel();
    this.resolve({ value: result, channel: this.channels[this.waiters.indexOf(w)] });
  }
}

/** The abort wiring of a parked operation that was given a signal. */
class AbortHook {
  readonly signal: AbortSignalLike;
  readonly listener: () => void;

  constructor(signal: AbortSignalLike, listener: () => void) {
    this.signal = signal;
    this.listener = listener;
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
  /** PROMISE, ITERATOR: the resolve function; CALLBACK: the callback or undefined; ALT: the alt. */
  target: any = undefined;
  abort: AbortHook | undefined = undefined;

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
        if (this.abort !== undefined) this.unlisten();
        this.target(result);
        return;
      case ITERATOR:
        this.target(result === undefined ? DONE : { value: result, done: false });
        return;
      case CALLBACK: {
        const cb = this.target as ((accepted: boolean) => void) | undefined;
        if (cb !== undefined) hostQueueMicrotask(() => cb(result as boolean));
        return;
      }
      default:
        (this.target as AltState).commit(this, result);
    }
  }

  private unlisten(): void {
    const hook = this.abort!;
    hook.signal.removeEventListener("abort", hook.listener);
    this.abort = undefined;
  }
}

/**
 * Creates the promise a parked waiter settles, and wires `signal` (if any) to unlink the
 * waiter and reject with the signal's reason.
 */
export function waiterPromise<R>(w: Waiter, signal: AbortSignalLike | undefined): Promise<R> {
  if (signal === undefined) {
    return new Promise<R>((resolve) => {
      w.target = resolve;
    });
  }
  return new Promise<R>((resolve, reject) => {
    w.target = resolve;
    const listener = () => {
      if (w.queue !== undefined) w.queue.remove(w);
      w.abort = undefined;
      reject(signal.reason);
    };
    w.abort = new AbortHook(signal, listener);
    signal.addEventListener("abort", listener, { once: true });
  });
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

  /**
   * Unlinks and returns the oldest waiter. Callers check `head` first. The waiter's own links
   * are left as they are (`remove` tests against `head`/`tail`, never against stale links).
   */
  shift(): Waiter {
    const w = this.head!;
    const next = w.next;
    this.head = next;
    if (next === undefined) this.tail = undefined;
    w.queue = undefined;
    this.length--;
    return w;
  }

  /** Unlinks a waiter that is in this queue. */
  remove(w: Waiter): void {
    const prev = w.prev;
    const next = w.next;
    if (this.head === w) this.head = next;
    else prev!.next = next;
    if (this.tail === w) this.tail = prev;
    else next!.prev = prev;
    w.prev = undefined;
    w.next = undefined;
    w.queue = undefined;
    this.length--;
  }
}
