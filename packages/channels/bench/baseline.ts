// The practical floor for a promise-based channel: a ring buffer plus FIFO queues of pending
// promise resolvers, with no closed-state subtleties, limits, signals, alts or drop reporting.

class Queue<T> {
  private items: (T | undefined)[] = new Array(16).fill(undefined);
  private head = 0;
  length = 0;

  push(item: T): void {
    if (this.length === this.items.length) {
      const old = this.items;
      const next = new Array<T | undefined>(old.length * 2).fill(undefined);
      for (let i = 0; i < old.length; i++) next[i] = old[(this.head + i) & (old.length - 1)];
      this.items = next;
      this.head = 0;
    }
    this.items[(this.head + this.length) & (this.items.length - 1)] = item;
    this.length++;
  }

  shift(): T {
    const item = this.items[this.head] as T;
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & (this.items.length - 1);
    this.length--;
    return item;
  }
}

interface PendingPut<T> {
  value: T;
  resolve: () => void;
}

const RESOLVED = Promise.resolve();
const DONE: Promise<IteratorResult<never>> = Promise.resolve({ value: undefined, done: true });

export class RingChannel<T> {
  private buf: (T | undefined)[];
  private head = 0;
  private count = 0;
  private readonly mask: number;
  private readonly cap: number;
  private readonly takers = new Queue<(value: T | undefined) => void>();
  private readonly putters = new Queue<PendingPut<T>>();
  private closed = false;

  constructor(capacity: number) {
    let len = 1;
    while (len < capacity) len <<= 1;
    this.buf = new Array(len).fill(undefined);
    this.mask = len - 1;
    this.cap = capacity;
  }

  put(value: T): Promise<void> {
    if (this.takers.length > 0) {
      this.takers.shift()(value);
      return RESOLVED;
    }
    if (this.count < this.cap) {
      this.buf[(this.head + this.count++) & this.mask] = value;
      return RESOLVED;
    }
    return new Promise((resolve) => this.putters.push({ value, resolve }));
  }

  /** Raw ring offer: accepted if a taker waits or there is room; nothing counted. */
  offer(value: T): boolean {
    if (this.takers.length > 0) {
      this.takers.shift()(value);
      return true;
    }
    if (this.count < this.cap) {
      this.buf[(this.head + this.count++) & this.mask] = value;
      return true;
    }
    return false;
  }

  /** Raw sliding offer: when full, overwrites the oldest value; nothing counted or reported. */
  offerSliding(value: T): boolean {
    if (this.takers.length > 0) {
      this.takers.shift()(value);
      return true;
    }
    if (this.count < this.cap) {
      this.buf[(this.head + this.count++) & this.mask] = value;
      return true;
    }
    this.buf[this.head] = value;
    this.head = (this.head + 1) & this.mask;
    return true;
  }

  poll(): T | undefined {
    if (this.count > 0) {
      const value = this.buf[this.head];
      this.buf[this.head] = undefined;
      this.head = (this.head + 1) & this.mask;
      this.count--;
      if (this.putters.length > 0) {
        const p = this.putters.shift();
        this.buf[(this.head + this.count++) & this.mask] = p.value;
        p.resolve();
      }
      return value;
    }
    if (this.putters.length > 0) {
      const p = this.putters.shift();
      p.resolve();
      return p.value;
    }
    return undefined;
  }

  take(): Promise<T | undefined> {
    if (this.count > 0 || this.putters.length > 0) return Promise.resolve(this.poll());
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => this.takers.push(resolve));
  }

  close(): void {
    this.closed = true;
    while (this.takers.length > 0) this.takers.shift()(undefined);
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: (): Promise<IteratorResult<T>> => {
        if (this.count > 0 || this.putters.length > 0) {
          return Promise.resolve({ value: this.poll() as T, done: false });
        }
        if (this.closed) return DONE;
        return new Promise((resolve) =>
          this.takers.push((value) =>
            resolve(
              value === undefined ? { value: undefined, done: true } : { value, done: false },
            ),
          ),
        );
      },
    };
  }
}
