import type { AbortSignalLike } from "../types.js";
import { hostQueueMicrotask } from "./host.js";

// Waiter kinds. `complete` switches on the module-local constants (an exported binding is a
// cell load each time); the exports are for the other modules.
const K_PROMISE = 0;
const K_ITERATOR = 1;
const K_CALLBACK = 2;
const K_ALT = 3;
/** Resolves a promise with the outcome (a `put`/`take` with a signal). */
export const PROMISE: number = K_PROMISE;
/** Resolves an `IteratorResult` instead of the bare value (a `for await` step). */
export const ITERATOR: number = K_ITERATOR;
/** Calls the callback in a microtask (a `putAsync` parked put). */
export const CALLBACK: number = K_CALLBACK;
/** One operation of an `alts`; the outcome commits the whole alt. */
export const ALT: number = K_ALT;

/** The `{ value, channel }` an `alts` resolves to. */
export interface AltOutcome {
  value: unknown;
  channel: unknown;
}

/** The shared state of one `alts` call: exactly one of its waiters commits. */
export class AltState {
  readonly waiters: Waiter[] = [];
  /** The channel each waiter's op named, by index: as passed to `alts` (a view, not its root). */
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
      if (w.queue !== undefined) w.queue.cancel(w);
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
 * A parked operation that needs more than a bare resolve function: an `alts` operation, a
 * `putAsync` callback, a `for await` step, or an operation with an abort signal. `queue` is
 * set while it is queued, so it can be cancelled.
 */
export class Waiter {
  queue: WaiterQueue | TakerQueue | undefined = undefined;
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
      case K_PROMISE:
        // A PROMISE waiter exists only for an operation with a signal.
        this.unlisten();
        this.target(result);
        return;
      case K_ITERATOR:
        this.target(result === undefined ? DONE : { value: result, done: false });
        return;
      case K_CALLBACK: {
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
    // Settling removes the listener, so when it runs the waiter is still queued.
    const listener = () => {
      w.queue!.cancel(w);
      w.abort = undefined;
      reject(signal.reason);
    };
    w.abort = new AbortHook(signal, listener);
    signal.addEventListener("abort", listener, { once: true });
  });
}

/** What a queue entry is settled through: a bare resolve function, or a `Waiter`. */
export type Handler = ((result: any) => void) | Waiter;

/** Settles a queue entry with `result` (a taken value, or a put's `true`). */
export function settle(handler: Handler, result: unknown): void {
  if (typeof handler === "function") handler(result);
  else handler.complete(result);
}

/**
 * FIFO of parked operations: a ring of (value, handler) pairs. The common plain `put`/`take`
 * is stored as its bare resolve function; anything that can be cancelled is a `Waiter`, and
 * cancelling one only marks it: `length` counts live entries, `shift` skips cancelled ones, and
 * the ring is compacted when cancelled entries outnumber live ones. O(1) amortised throughout.
 */
export class WaiterQueue {
  // Filled so the elements kind is generic from the start (see `slots` in channel.ts).
  private items: unknown[] = new Array(8).fill(undefined);
  /** First pair, in pairs. */
  private first = 0;
  /** Pairs stored, live or cancelled. */
  private stored = 0;
  /** Capacity in pairs, minus one (capacities are powers of two). */
  private mask = 3;
  private cancelled = 0;
  /** Live entries. */
  length = 0;
  /** The value of the entry `shift` removed last, until `takeValue` clears it. */
  private value: unknown = undefined;

  /** The value of the entry `shift` just removed; the queue keeps no reference to it. */
  takeValue(): unknown {
    const value = this.value;
    this.value = undefined;
    return value;
  }

  push(value: unknown, handler: Handler): void {
    if (this.stored > this.mask) this.grow();
    const i = ((this.first + this.stored) & this.mask) << 1;
    this.items[i] = value;
    this.items[i + 1] = handler;
    this.stored++;
    this.length++;
  }

  pushWaiter(w: Waiter): void {
    w.queue = this;
    this.push(w.value, w);
  }

  /**
   * Removes the oldest live entry and returns its handler; its value is left in `value`.
   * Callers check `length` first.
   */
  shift(): Handler {
    const items = this.items;
    for (;;) {
      const i = this.first << 1;
      const handler = items[i + 1] as Handler;
      const value = items[i];
      items[i] = undefined;
      items[i + 1] = undefined;
      this.first = (this.first + 1) & this.mask;
      this.stored--;
      if (typeof handler === "function") {
        this.length--;
        this.value = value;
        return handler;
      }
      if (handler.queue === this) {
        handler.queue = undefined;
        this.length--;
        this.value = value;
        return handler;
      }
      this.cancelled--;
    }
  }

  /** Cancels a queued waiter: it will never be settled. */
  cancel(w: Waiter): void {
    w.queue = undefined;
    this.length--;
    this.cancelled++;
    if (this.cancelled > 32 && this.cancelled > this.length) this.compact();
  }

  private grow(): void {
    const old = this.items;
    const pairs = this.mask + 1;
    const next = new Array(pairs * 4).fill(undefined);
    for (let k = 0; k < pairs; k++) {
      const i = ((this.first + k) & this.mask) << 1;
      next[k << 1] = old[i];
      next[(k << 1) + 1] = old[i + 1];
    }
    this.items = next;
    this.first = 0;
    this.mask = pairs * 2 - 1;
  }

  /** Drops cancelled entries, keeping the order of live ones. */
  private compact(): void {
    const items = this.items;
    let kept = 0;
    for (let k = 0; k < this.stored; k++) {
      const i = ((this.first + k) & this.mask) << 1;
      const value = items[i];
      const handler = items[i + 1] as Handler;
      items[i] = undefined;
      items[i + 1] = undefined;
      if (typeof handler === "function" || handler.queue === this) {
        const j = ((this.first + kept) & this.mask) << 1;
        items[j] = value;
        items[j + 1] = handler;
        kept++;
      }
    }
    this.stored = kept;
    this.cancelled = 0;
  }
}

/**
 * FIFO of parked takes: the same ring as `WaiterQueue`, one slot an entry (a take has no
 * value to carry).
 */
export class TakerQueue {
  private items: Handler[] = new Array(8).fill(undefined);
  private first = 0;
  private stored = 0;
  private mask = 7;
  private cancelled = 0;
  /** Live entries. */
  length = 0;

  push(handler: Handler): void {
    if (this.stored > this.mask) this.grow();
    this.items[(this.first + this.stored) & this.mask] = handler;
    this.stored++;
    this.length++;
  }

  pushWaiter(w: Waiter): void {
    w.queue = this;
    this.push(w);
  }

  /** Removes the oldest live entry and returns its handler. Callers check `length` first. */
  shift(): Handler {
    const items = this.items;
    for (;;) {
      const i = this.first;
      const handler = items[i]!;
      items[i] = undefined as unknown as Handler;
      this.first = (i + 1) & this.mask;
      this.stored--;
      if (typeof handler === "function") {
        this.length--;
        return handler;
      }
      if (handler.queue === this) {
        handler.queue = undefined;
        this.length--;
        return handler;
      }
      this.cancelled--;
    }
  }

  /** Cancels a queued waiter: it will never be settled. */
  cancel(w: Waiter): void {
    w.queue = undefined;
    this.length--;
    this.cancelled++;
    if (this.cancelled > 32 && this.cancelled > this.length) this.compact();
  }

  private grow(): void {
    const old = this.items;
    const size = this.mask + 1;
    const next: Handler[] = new Array(size * 2).fill(undefined);
    for (let k = 0; k < size; k++) next[k] = old[(this.first + k) & this.mask]!;
    this.items = next;
    this.first = 0;
    this.mask = size * 2 - 1;
  }

  private compact(): void {
    const items = this.items;
    let kept = 0;
    for (let k = 0; k < this.stored; k++) {
      const i = (this.first + k) & this.mask;
      const handler = items[i]!;
      items[i] = undefined as unknown as Handler;
      if (typeof handler === "function" || handler.queue === this) {
        items[(this.first + kept) & this.mask] = handler;
        kept++;
      }
    }
    this.stored = kept;
    this.cancelled = 0;
  }
}
