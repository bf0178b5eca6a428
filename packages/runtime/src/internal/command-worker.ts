// A command worker's loop: takes from its input channel and runs up to `concurrency` messages
// at once (1: strictly in order). A busy loop pays no microtask per message: it drains what is
// buffered with `poll()` and awaits `take()` only when the channel is empty, yielding to the
// macrotask queue every YIELD_EVERY messages so timers and I/O are never starved.

import type { Channel, PutMode } from "@workers/channels";
import type { NormalizedWorker } from "@workers/config";
import { MessageEnvelope } from "./envelope.js";
import type { Runtime } from "./runtime.js";
import { WorkerRunner } from "./worker-runner.js";

const YIELD_EVERY = 1024;

// Captured at load: a test's fake timers must not be able to park the loop's yields.
const realSetImmediate = globalThis.setImmediate;

function yieldToMacrotasks(): Promise<void> {
  return new Promise((resolve) => {
    realSetImmediate(resolve);
  });
}

export class CommandWorker extends WorkerRunner {
  readonly channel: Channel<unknown>;
  readonly concurrency: number;
  readonly batchSize: number;
  /** How `command` / `request` write into the input channel. */
  readonly putMode: PutMode;
  /** Set by `stop`: take nothing more. */
  halted = false;
  /** The loop is parked in `take()` on an empty channel. */
  waiting = false;
  /** The loop has returned. */
  exited = false;
  loopDone: Promise<void> = Promise.resolve();
  /** Messages (batches, for a batch worker) in flight, as the loop counts them. */
  private active = 0;
  private wakeSlot: (() => void) | undefined = undefined;
  private readonly releaseSlot = (): void => {
    this.active--;
    const wake = this.wakeSlot;
    if (wake !== undefined) {
      this.wakeSlot = undefined;
      wake();
    }
  };

  constructor(rt: Runtime, def: NormalizedWorker, channel: Channel<unknown>, putMode: PutMode) {
    super(rt, def);
    this.channel = channel;
    this.putMode = putMode;
    this.concurrency = def.concurrency;
    this.batchSize = def.dispatch === "thread" && def.batch !== undefined ? def.batch.size : 1;
    this.onRelease = this.releaseSlot;
  }

  start(): void {
    this.loopDone = this.loop().finally(() => {
      this.exited = true;
      this.waiting = false;
      this.rt.progress();
    });
  }

  /** Stops taking; wakes the loop if it waits for a free slot. */
  halt(): void {
    this.halted = true;
    const wake = this.wakeSlot;
    this.wakeSlot = undefined;
    wake?.();
  }

  private async loop(): Promise<void> {
    const ch = this.channel;
    let burst = 0;
    for (;;) {
      if (this.halted) return;
      let value = ch.poll();
      if (value === undefined) {
        if (ch.closed) return;
        const next = ch.take();
        // Marked after `take()` registered, so a quiescence check sees the pending take.
        this.waiting = true;
        this.rt.progress();
        value = await next;
        this.waiting = false;
        if (value === undefined) return;
        if (this.halted) {
          this.rt.shutdownDropValue(this.name, this.inChannel, value);
          return;
        }
      }
      const pending = this.batchSize > 1 ? this.runBatch(value) : this.runOne(value);
      if (pending !== undefined) {
        this.active++;
        // A batch is released when all its messages are; a single message by `onRelease`.
        if (this.batchSize > 1) void pending.then(this.releaseSlot);
        // Woken by a finished message or by `halt()` (a message stop gave up on never settles).
        if (this.active >= this.concurrency) {
          await new Promise<void>((resolve) => {
            this.wakeSlot = resolve;
          });
        }
      }
      if (++burst >= YIELD_EVERY) {
        burst = 0;
        await yieldToMacrotasks();
      }
    }
  }

  private runOne(value: unknown): Promise<void> | undefined {
    return value instanceof MessageEnvelope
      ? this.execute(value, value.body)
      : this.execute(undefined, value);
  }

  /** One message, then whatever is already buffered, up to the batch size; never waits. */
  private runBatch(first: unknown): Promise<void> {
    const items = [unwrap(first)];
    while (items.length < this.batchSize) {
      const value = this.channel.poll();
      if (value === undefined) break;
      items.push(unwrap(value));
    }
    return this.executeBatch(items);
  }
}

function unwrap(value: unknown): { env: MessageEnvelope | undefined; body: unknown } {
  return value instanceof MessageEnvelope
    ? { env: value, body: value.body }
    : { env: undefined, body: value };
}
