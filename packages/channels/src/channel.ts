import { PendingLimitError } from "./errors.js";
import { checkValue } from "./internal/check-value.js";
import { hostQueueMicrotask } from "./internal/host.js";
import {
  CALLBACK,
  ITERATOR,
  PROMISE,
  settle,
  TakerQueue,
  Waiter,
  WaiterQueue,
  waiterPromise,
} from "./internal/waiter.js";
import type {
  AbortSignalLike,
  BufferType,
  Channel,
  DropReason,
  OperationOptions,
} from "./types.js";

/** Pending puts (and, separately, pending takes) allowed per channel, as in core.async. */
export const MAX_PENDING = 1024;
const LIMIT = 1024;

// Buffer kinds; PROMISE_KIND is the write-once buffer of `promiseChan`. Hot paths compare
// against these module-local constants (an exported binding is a cell load each time).
const FIXED = 0;
const DROPPING = 1;
const SLIDING = 2;
const PROMISE_KIND = 3;

/** The buffer kinds, for the factories (`chan`, `promiseChan`, `timeout`). */
export const KIND: { fixed: number; dropping: number; sliding: number; promise: number } = {
  fixed: FIXED,
  dropping: DROPPING,
  sliding: SLIDING,
  promise: PROMISE_KIND,
};

const TRUE: Promise<boolean> = Promise.resolve(true);
const FALSE: Promise<boolean> = Promise.resolve(false);
const NOTHING: Promise<undefined> = Promise.resolve(undefined);
const DONE: Promise<IteratorResult<never, undefined>> = Promise.resolve({
  value: undefined,
  done: true,
});

/**
 * A ring's storage, filled with `undefined` so its elements kind is generic from the start:
 * storing numbers, objects and `undefined` then never transitions it (a transition on a hot
 * array deoptimises every function that touches it).
 */
function slots<T>(n: number): (T | undefined)[] {
  return new Array<T | undefined>(n).fill(undefined);
}

/**
 * The channel implementation: a ring buffer plus two FIFO queues of parked waiters.
 *
 * Invariants (between operations): pending takes exist only when the buffer is empty and no
 * put is pending; pending puts exist only when the buffer is full (fixed) or absent
 * (unbuffered); dropping and sliding buffers are never full from a putter's point of view.
 */
export class Chan<T> implements Channel<T> {
  /** Ring storage; its length is a power of two, grown on demand up to `cap`. */
  private buf: (T | undefined)[];
  private head = 0;
  private count = 0;
  private mask: number;
  private readonly cap: number;
  /** FIXED, DROPPING, SLIDING or PROMISE_KIND. */
  readonly kind: number;
  private isClosed = false;
  private dropCount = 0;
  private readonly onDrop: ((value: T, reason: DropReason) => void) | undefined;
  /** Parked takes, oldest first. */
  readonly takers: TakerQueue = new TakerQueue();
  /** Parked puts, oldest first. */
  readonly putters: WaiterQueue = new WaiterQueue();

  constructor(
    capacity: number,
    kind: number,
    onDrop: ((value: T, reason: DropReason) => void) | undefined,
  ) {
    this.cap = capacity;
    this.kind = kind;
    this.onDrop = onDrop;
    let len = 0;
    if (capacity > 0) {
      len = 1;
      const initial = Math.min(capacity, 16);
      while (len < initial) len <<= 1;
    }
    this.buf = slots<T>(len);
    this.mask = len - 1;
  }

  get closed(): boolean {
    return this.isClosed;
  }
  get size(): number {
    return this.count;
  }
  get capacity(): number {
    return this.cap;
  }
  get bufferType(): BufferType {
    return this.kind === FIXED ? "fixed" : this.kind === SLIDING ? "sliding" : "dropping";
  }
  get pendingPuts(): number {
    return this.putters.length;
  }
  get pendingTakes(): number {
    return this.takers.length;
  }
  get drops(): number {
    return this.dropCount;
  }

  put(value: T, options?: OperationOptions): Promise<boolean> {
    // Every put path refuses `undefined` and thenables before it changes anything.
    checkValue(value);
    if (options !== undefined && options.signal !== undefined) {
      return this.putWithSignal(value, options.signal);
    }
    if (this.isClosed) return FALSE;
    // `accept` inlined for the common cases: hand-off to a taker, room in the buffer.
    const takers = this.takers;
    if (takers.length !== 0) {
      if (this.kind === PROMISE_KIND) this.accept(value);
      else settle(takers.shift(), value);
      return TRUE;
    }
    const count = this.count;
    if (count < this.cap) {
      if (count === this.buf.length) this.grow();
      this.buf[(this.head + count) & this.mask] = value;
      this.count = count + 1;
      return TRUE;
    }
    if (this.kind !== FIXED) {
      this.overflow(value);
      return TRUE;
    }
    return this.parkPut(value);
  }

  private parkPut(value: T): Promise<boolean> {
    if (this.putters.length >= LIMIT) throw new PendingLimitError("put", LIMIT);
    return new Promise<boolean>((resolve) => this.putters.push(value, resolve));
  }

  private putWithSignal(value: T, signal: AbortSignalLike): Promise<boolean> {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.isClosed) return FALSE;
    if (this.accept(value)) return TRUE;
    if (this.putters.length >= LIMIT) throw new PendingLimitError("put", LIMIT);
    const w = new Waiter(PROMISE, value);
    const p = waiterPromise<boolean>(w, signal);
    this.putters.pushWaiter(w);
    return p;
  }

  putAsync(value: T, callback?: (accepted: boolean) => void): boolean {
    checkValue(value);
    if (this.isClosed) {
      if (callback !== undefined) hostQueueMicrotask(() => callback(false));
      return false;
    }
    if (this.accept(value)) {
      if (callback !== undefined) hostQueueMicrotask(() => callback(true));
      return true;
    }
    if (this.putters.length >= LIMIT) throw new PendingLimitError("put", LIMIT);
    const w = new Waiter(CALLBACK, value);
    w.target = callback;
    this.putters.pushWaiter(w);
    return true;
  }

  offer(value: T): boolean {
    checkValue(value);
    if (this.isClosed) return false;
    // The allocation-free synchronous fast path: `accept` inlined for the common cases.
    const count = this.count;
    if (count < this.cap) {
      if (this.takers.length !== 0) return this.accept(value);
      if (count === this.buf.length) this.grow();
      this.buf[(this.head + count) & this.mask] = value;
      this.count = count + 1;
      return true;
    }
    // Full (count >= cap): only an unbuffered channel (count 0) can have takers waiting.
    if (count === 0) return this.accept(value);
    const kind = this.kind;
    if (kind === FIXED) return false;
    if (kind === SLIDING) {
      const buf = this.buf;
      if (count === buf.length) {
        // A full ring: the new value takes the evicted one's slot, which becomes the tail.
        const head = this.head;
        const evicted = buf[head] as T;
        buf[head] = value;
        this.head = (head + 1) & this.mask;
        this.dropCount++;
        const onDrop = this.onDrop;
        if (onDrop !== undefined) onDrop(evicted, "buffer-evicted");
      } else this.slide(value);
    } else this.dropNewest(value);
    return true;
  }

  take(options?: OperationOptions): Promise<T | undefined> {
    if (options !== undefined && options.signal !== undefined) {
      return this.takeWithSignal(options.signal);
    }
    if (this.count > 0) return Promise.resolve(this.dequeue());
    if (this.putters.length !== 0) return Promise.resolve(this.takeFromPutter());
    if (this.isClosed) return NOTHING;
    return this.parkTake();
  }

  private parkTake(): Promise<T | undefined> {
    if (this.takers.length >= LIMIT) throw new PendingLimitError("take", LIMIT);
    return new Promise<T | undefined>((resolve) => this.takers.push(resolve));
  }

  private takeWithSignal(signal: AbortSignalLike): Promise<T | undefined> {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.takeReady()) return Promise.resolve(this.poll());
    if (this.takers.length >= LIMIT) throw new PendingLimitError("take", LIMIT);
    const w = new Waiter(PROMISE, undefined);
    const promise = waiterPromise<T | undefined>(w, signal);
    this.takers.pushWaiter(w);
    return promise;
  }

  poll(): T | undefined {
    const count = this.count;
    if (count > 0) {
      if (this.putters.length !== 0 || this.kind === PROMISE_KIND) return this.dequeue();
      // `dequeue` inlined for a buffer with no pending put.
      const head = this.head;
      const value = this.buf[head];
      this.buf[head] = undefined;
      this.head = (head + 1) & this.mask;
      this.count = count - 1;
      return value;
    }
    if (this.putters.length !== 0) return this.takeFromPutter();
    return undefined;
  }

  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    // Takers wait only on an empty channel with no pending put: they all get the sentinel.
    const takers = this.takers;
    while (takers.length !== 0) settle(takers.shift(), undefined);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return new ChanIterator(this);
  }

  /** One `for await` step: like `take`, resolving an iterator result. */
  nextResult(): Promise<IteratorResult<T, undefined>> {
    if (this.count > 0) return Promise.resolve({ value: this.dequeue() as T, done: false });
    if (this.putters.length !== 0) {
      return Promise.resolve({ value: this.takeFromPutter() as T, done: false });
    }
    if (this.isClosed) return DONE;
    if (this.takers.length >= LIMIT) throw new PendingLimitError("take", LIMIT);
    const w = new Waiter(ITERATOR, undefined);
    const promise = waiterPromise<IteratorResult<T, undefined>>(w, undefined);
    this.takers.pushWaiter(w);
    return promise;
  }

  /**
   * Accepts `value` now if possible: hands it to the oldest taker, buffers it, or lets a
   * dropping/sliding buffer discard a value. The channel is open. Returns false to park.
   */
  accept(value: T): boolean {
    const takers = this.takers;
    if (takers.length !== 0) {
      if (this.kind === PROMISE_KIND) {
        this.pushValue(value);
        this.deliverAll(value);
        return true;
      }
      settle(takers.shift(), value);
      return true;
    }
    if (this.count < this.cap) {
      this.pushValue(value);
      return true;
    }
    if (this.kind === FIXED) return false;
    this.overflow(value);
    return true;
  }

  /** Whether a take would complete now (a value, a pending put, or closed). */
  takeReady(): boolean {
    return this.count > 0 || this.putters.length !== 0 || this.isClosed;
  }

  private pushValue(value: T): void {
    if (this.count === this.buf.length) this.grow();
    this.buf[(this.head + this.count) & this.mask] = value;
    this.count++;
  }

  private grow(): void {
    const old = this.buf;
    const n = old.length;
    const next = slots<T>(n * 2);
    for (let i = 0; i < n; i++) next[i] = old[(this.head + i) & this.mask];
    this.buf = next;
    this.head = 0;
    this.mask = n * 2 - 1;
  }

  /** Removes and returns the oldest buffered value, then refills from the oldest pending put. */
  private dequeue(): T | undefined {
    const buf = this.buf;
    const head = this.head;
    const value = buf[head];
    if (this.kind === PROMISE_KIND) return value;
    buf[head] = undefined;
    const next = (head + 1) & this.mask;
    this.head = next;
    const putters = this.putters;
    if (putters.length === 0) {
      this.count--;
    } else {
      // Pending puts exist only while the buffer is full, so the freed slot is the new tail.
      const handler = putters.shift();
      buf[(next + this.count - 1) & this.mask] = putters.takeValue() as T;
      settle(handler, true);
    }
    return value;
  }

  /** Unbuffered (or full and refilled) hand-off from the oldest pending put. */
  private takeFromPutter(): T {
    const putters = this.putters;
    const handler = putters.shift();
    const value = putters.takeValue() as T;
    settle(handler, true);
    return value;
  }

  private overflow(value: T): void {
    if (this.kind === SLIDING) this.slide(value);
    else this.dropNewest(value);
  }

  /** Sliding: evicts the oldest value to make room. */
  private slide(value: T): void {
    const buf = this.buf;
    const head = this.head;
    const evicted = buf[head] as T;
    if (this.count === buf.length) {
      // A full ring: the new value takes the evicted one's slot, which becomes the tail.
      buf[head] = value;
      this.head = (head + 1) & this.mask;
    } else {
      buf[head] = undefined;
      this.head = (head + 1) & this.mask;
      this.count--;
      this.pushValue(value);
    }
    this.dropCount++;
    const onDrop = this.onDrop;
    if (onDrop !== undefined) onDrop(evicted, "buffer-evicted");
  }

  /** Dropping (and promise): discards the value being put. */
  private dropNewest(value: T): void {
    this.dropCount++;
    const onDrop = this.onDrop;
    if (onDrop !== undefined) onDrop(value, "buffer-dropped");
  }

  /** Promise channel: every pending take gets the (kept) value. */
  private deliverAll(value: T): void {
    const takers = this.takers;
    while (takers.length !== 0) settle(takers.shift(), value);
  }
}

class ChanIterator<T> implements AsyncIterableIterator<T> {
  private readonly ch: Chan<T>;

  constructor(ch: Chan<T>) {
    this.ch = ch;
  }

  next(): Promise<IteratorResult<T, undefined>> {
    return this.ch.nextResult();
  }

  /** Ends the iteration (`break`); the channel stays open. */
  return(): Promise<IteratorResult<T, undefined>> {
    return DONE;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}

/** The implementation behind a `Channel`, for the package's own functions. */
export function internal<T>(ch: Channel<T>): Chan<T> {
  if (ch instanceof Chan) return ch;
  throw new TypeError("expected a channel created by @workers/channels");
}
