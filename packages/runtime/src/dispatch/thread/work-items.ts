// The dispatcher's bookkeeping for messages on their way through the pool (internal).
import { performance } from "node:perf_hooks";
import type { ContextRunner, TaskOutcome, ThreadTask } from "../types.js";

/** What aborts messages when their signal fires. */
export interface AbortTarget {
  abortItem(item: Item): void;
  /** Aborts every unsettled message that carries `signal`. */
  abortSignal(signal: AbortSignal): void;
}

/** Collects the outcomes of one `run` (a single message) or one `runBatch`. */
export class Owner {
  readonly outcomes: TaskOutcome[] | undefined;
  remaining: number;
  resolve!: (value: never) => void;
  reject!: (reason: unknown) => void;
  readonly promise: Promise<never>;
  readonly enqueuedAt: number = performance.now();

  constructor(size: number, single: boolean) {
    this.remaining = size;
    this.outcomes = single ? undefined : new Array<TaskOutcome>(size);
    this.promise = new Promise<never>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  /** Message `index` ended: the single promise settles, or its outcome is recorded. */
  settle(index: number, ok: boolean, value: unknown): void {
    if (this.outcomes === undefined) {
      if (ok) this.resolve(value as never);
      else this.reject(value);
    } else {
      this.outcomes[index] = ok ? { ok: true, value } : { ok: false, error: value };
      if (--this.remaining === 0) this.resolve(this.outcomes as never);
    }
  }
}

export const QUEUED = 0;
export const POSTED = 1;
export const SETTLED = 2;
type ItemState = typeof QUEUED | typeof POSTED | typeof SETTLED;

/** One message on its way through the pool. */
export class Item {
  state: ItemState = QUEUED;
  slot = -1;
  /** Numbered when posted (consecutively within a pool task); what the thread calls it. */
  seq = -1;
  attempts = 0;

  constructor(
    readonly task: ThreadTask,
    readonly owner: Owner,
    readonly index: number,
    /** With `captureContext`: where the message's channel operations are carried out. */
    readonly context: ContextRunner | undefined,
  ) {}
}

/** The abort listener of the first message that carries a signal (see `SignalWatch`). */
export class ItemWatch {
  constructor(
    readonly pool: AbortTarget,
    readonly item: Item,
  ) {}

  handleEvent(): void {
    this.pool.abortItem(this.item);
  }
}

/**
 * The abort listener of a signal carried by more than one message (one listener each would
 * pile up on a long-lived signal, such as the system's stop signal). It keeps no list: when
 * the signal aborts, the pool looks for the messages that carry it (a rare event, while
 * adding and removing every message to a set is paid by every message). The first message
 * listens itself: the common case is a signal per message.
 */
export class SignalWatch {
  constructor(
    readonly pool: AbortTarget,
    readonly signal: AbortSignal,
  ) {}

  handleEvent(): void {
    this.pool.abortSignal(this.signal);
  }
}

/** A queued unit: one message, or a batch's messages that run in order. */
export type Unit = Item | Item[];

/** A pool task in flight: its messages are numbered `base`, `base + 1`, ... */
export class Posted {
  constructor(
    readonly items: readonly Item[],
    readonly groups: readonly number[] | null,
    readonly base: number,
    readonly postedAt: number,
  ) {}

  /** Appends to `hit` the posted (unsettled) messages that carry `signal`. */
  carrying(signal: AbortSignal, hit: Item[]): void {
    for (const item of this.items) {
      if (item.state === POSTED && item.task.signal === signal) hit.push(item);
    }
  }

  /** The unsettled message numbered `seq`, if it is one of this task's. */
  find(seq: number): Item | undefined {
    const k = seq - this.base;
    if (k < 0 || k >= this.items.length) return undefined;
    const item = this.items[k] as Item;
    return item.seq === seq && item.state === POSTED ? item : undefined;
  }
}
