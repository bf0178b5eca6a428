// Per-message state shared with the threads (internal): a slot says whether its message was
// posted, aborted before it started (the thread skips it), or started (and in which thread).
import { SLOT_ABORTED, SLOT_COUNT, SLOT_POSTED } from "./protocol.js";

export class SlotTable {
  /** Given to every thread (`workerData`). */
  readonly shared: SharedArrayBuffer = new SharedArrayBuffer(
    SLOT_COUNT * Int32Array.BYTES_PER_ELEMENT,
  );
  readonly #states = new Int32Array(this.shared);
  readonly #free = new Int32Array(SLOT_COUNT);
  #top = SLOT_COUNT;

  constructor() {
    for (let i = 0; i < SLOT_COUNT; i++) this.#free[i] = SLOT_COUNT - 1 - i;
  }

  /** A slot in the posted state, or -1 when all are taken (the message then runs untracked). */
  alloc(): number {
    if (this.#top === 0) return -1;
    const slot = this.#free[--this.#top] as number;
    Atomics.store(this.#states, slot, SLOT_POSTED);
    return slot;
  }

  free(slot: number): void {
    this.#free[this.#top++] = slot;
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
