// Per-message state shared with the threads (internal): a slot says whether its message was
// posted, aborted before it started (the thread skips it), or started (and in which thread).
//
// A message's slot is its sequence number modulo SLOT_COUNT: the messages of a pool task are
// numbered consecutively, so a task carries two numbers (first message, how many have slots)
// instead of an array, and nothing is allocated or freed per message. A slot is reused only
// once the pool task of its previous message completed (see `tracked`).
import { SLOT_ABORTED, SLOT_COUNT, SLOT_POSTED, slotOf } from "./protocol.js";

export class SlotTable {
  /** Given to every thread (`workerData`). */
  readonly shared: SharedArrayBuffer = new SharedArrayBuffer(
    SLOT_COUNT * Int32Array.BYTES_PER_ELEMENT,
  );
  readonly #states = new Int32Array(this.shared);

  /**
   * How many of the `count` messages numbered from `first` get a slot, when the oldest
   * message still in a pool task is numbered `oldest` (a slot must not be shared with a
   * message in flight; the others run untracked). Their slots are reset to "posted".
   */
  tracked(first: number, count: number, oldest: number): number {
    const n = Math.max(0, Math.min(count, oldest + SLOT_COUNT - first));
    if (n === 0) return 0;
    // Plain writes: no thread reads these slots until the pool task that carries them is
    // posted (the post publishes them), and every thread is done with their previous
    // messages (whose pool tasks completed).
    const start = slotOf(first);
    const end = start + n;
    if (end <= SLOT_COUNT) {
      this.#states.fill(SLOT_POSTED, start, end);
    } else {
      this.#states.fill(SLOT_POSTED, start, SLOT_COUNT);
      this.#states.fill(SLOT_POSTED, 0, end - SLOT_COUNT);
    }
    return n;
  }

  /** Whether the thread has started the message (or it was aborted before starting). */
  left(slot: number): boolean {
    return Atomics.load(this.#states, slot) !== SLOT_POSTED;
  }

  /** Marks a posted message aborted; false when its thread has started it already. */
  abortBeforeStart(slot: number): boolean {
    return Atomics.compareExchange(this.#states, slot, SLOT_POSTED, SLOT_ABORTED) === SLOT_POSTED;
  }

  /** The `threadId` running the message, or 0. */
  runningThread(slot: number): number {
    const id = Atomics.load(this.#states, slot);
    return Math.max(id, 0);
  }
}
