// The dispatcher's bookkeeping for messages on their way through the pool (internal).
import { performance } from "node:perf_hooks";
import type { TaskOutcome, ThreadTask } from "../types.js";

/** What aborts a message when its signal fires. */
export interface AbortTarget {
  abortItem(item: Item): void;
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
}

export const QUEUED = 0;
export const POSTED = 1;
export const SETTLED = 2;
type ItemState = typeof QUEUED | typeof POSTED | typeof SETTLED;

/** One message on its way through the pool; listens to its signal (see `SignalWatch`). */
export class Item {
  state: ItemState = QUEUED;
  slot = -1;
  attempts = 0;

  constructor(
    readonly pool: AbortTarget,
    readonly task: ThreadTask,
    readonly owner: Owner,
    readonly index: number,
    readonly seq: number,
  ) {}

  handleEvent(): void {
    this.pool.abortItem(this);
  }
}

/**
 * The abort listener shared by the second and later messages that carry the same signal (one
 * listener each would pile up on a long-lived signal). The first message listens itself: the
 * common case is a signal per message.
 */
export class SignalWatch {
  readonly items: Set<Item> = new Set();
  constructor(readonly pool: AbortTarget) {}

  handleEvent(): void {
    for (const item of this.items) this.pool.abortItem(item);
    this.items.clear();
  }
}

/** A queued unit: one message, or a batch's messages that run in order. */
export type Unit = Item | Item[];

/** A pool task in flight. */
export class Posted {
  constructor(
    readonly items: readonly Item[],
    readonly groups: readonly number[] | null,
    readonly postedAt: number,
  ) {}
}
