// The thread dispatcher's queue of messages waiting for a thread (internal).

import { allQueued } from "./pool-setup.js";
import { type Item, QUEUED, type Unit } from "./work-items.js";

/** What `take` coalesced into one pool task: its messages and, for batches, group sizes. */
export interface Taken {
  readonly items: Item[];
  readonly groups: number[] | null;
}

/**
 * Queued units (a message, or a batch's messages that run in order), oldest first. Taken
 * units leave a hole behind the head (no `Array#shift`); the array is compacted now and then.
 */
export class UnitQueue {
  readonly #queue: Unit[] = [];
  #head = 0;

  /** Whether a unit (perhaps settled meanwhile) is waiting. */
  get pending(): boolean {
    return this.#head < this.#queue.length;
  }

  /** The first message of the unit at the head (`pending` must be true). */
  first(): Item | undefined {
    const head = this.#queue[this.#head] as Unit;
    return Array.isArray(head) ? head[0] : head;
  }

  push(unit: Unit): void {
    this.#queue.push(unit);
  }

  /** Puts a unit back at the head (a retry goes first). */
  pushFront(unit: Unit): void {
    if (this.#head > 0) this.#queue[--this.#head] = unit;
    else this.#queue.unshift(unit);
  }

  /**
   * Takes up to `limit` queued messages from the head (a batch whole, unless it alone exceeds
   * the limit), skipping settled ones.
   */
  take(limit: number): Taken {
    const queue = this.#queue;
    let items: Item[] = [];
    let groups: number[] | null = null;
    while (this.#head < queue.length) {
      const unit = queue[this.#head] as Unit;
      if (Array.isArray(unit)) {
        const live = allQueued(unit) ? unit : unit.filter((item) => item.state === QUEUED);
        if (live.length > 0 && items.length > 0 && items.length + live.length > limit) break;
        queue[this.#head++] = undefined as never;
        if (live.length === 0) continue;
        groups ??= items.map(() => 1);
        groups.push(live.length);
        // A batch alone (the common case) is posted as it is: the array is the queue's.
        if (items.length === 0) items = live;
        else for (const item of live) items.push(item);
      } else {
        if (unit.state !== QUEUED) {
          queue[this.#head++] = undefined as never;
          continue;
        }
        if (items.length >= limit) break;
        queue[this.#head++] = undefined as never;
        items.push(unit);
        groups?.push(1);
      }
    }
    if (this.#head === queue.length) {
      queue.length = 0;
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > queue.length) {
      queue.splice(0, this.#head);
      this.#head = 0;
    }
    return { items, groups };
  }

  /** Appends to `hit` the queued messages that carry `signal`, in queue order. */
  carrying(signal: AbortSignal, hit: Item[]): void {
    const queue = this.#queue;
    for (let i = this.#head; i < queue.length; i++) {
      const unit = queue[i] as Unit;
      for (const item of Array.isArray(unit) ? unit : [unit]) {
        if (item.state === QUEUED && item.task.signal === signal) hit.push(item);
      }
    }
  }
}
