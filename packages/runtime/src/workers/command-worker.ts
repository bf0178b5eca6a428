// A command worker's loop: takes from its input channel and runs up to `concurrency` messages
// at once (1: strictly in order). A busy loop pays no microtask per message: it drains what is
// buffered with `poll()` and awaits `take()` only when the channel is empty, yielding to the
// macrotask queue every YIELD_EVERY messages so timers and I/O are never starved.

import type { Channel, PutMode } from "@workers/channels";
import type { NormalizedWorker } from "@workers/config";
import { MessageEnvelope } from "../system/envelope.js";
import type { Runtime } from "../system/runtime.js";
import { WorkerRunner } from "./worker-runner.js";

const YIELD_EVERY = 1024;

export const PUT_ASYNC = 0;
export const PUT_BLOCK = 1;
export const PUT_DROP = 2;
export type PutKind = typeof PUT_ASYNC | typeof PUT_BLOCK | typeof PUT_DROP;

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
  /** How long a partial batch waits for more messages (`batch.maxWaitMs`). */
  readonly batchWaitMs: number;
  /** How `command` / `request` write into the input channel. */
  readonly putMode: PutMode;
  /** `putMode` as a number, for `command`'s hot path (a string switch may compare contents). */
  readonly putKind: PutKind;
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
    this.putKind = putMode === "block" ? PUT_BLOCK : putMode === "drop" ? PUT_DROP : PUT_ASYNC;
    this.concurrency = def.concurrency;
    this.batchSize = def.dispatch === "thread" && def.batch !== undefined ? def.batch.size : 1;
    this.batchWaitMs = this.batchSize > 1 ? (def.batch?.maxWaitMs ?? 0) : 0;
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

  /**
   * The loop never dies of a value or an exception: whatever reaches it (a take that rejects,
   * a message whose handling throws before its outcome is recorded) fails that message alone,
   * and the loop goes on.
   */
  private async loop(): Promise<void> {
    const ch = this.channel;
    let burst = 0;
    for (;;) {
      if (this.halted) return;
      let value: unknown;
      let handed = false;
      try {
        value = ch.poll();
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
        let pending: Promise<void> | undefined;
        if (this.batchSize > 1) {
          const items = [unwrap(value)];
          this.fillFromBuffer(items);
          if (items.length < this.batchSize && this.batchWaitMs > 0) {
            await this.waitForMore(items);
            if (this.halted) {
              for (const item of items) {
                this.rt.shutdownDrop(this.name, this.inChannel, item.env, item.body);
              }
              return;
            }
          }
          handed = true;
          pending = this.executeBatch(items);
        } else {
          handed = true;
          pending = this.runOne(value);
        }
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
      } catch (error) {
        this.waiting = false;
        this.fault(handed ? undefined : value, error);
        // Never a hot spin on a fault that repeats.
        await yieldToMacrotasks();
      }
      if (++burst >= YIELD_EVERY) {
        burst = 0;
        await yieldToMacrotasks();
      }
    }
  }

  // `typeof` first: `instanceof` with a primitive on the left still looks up the class's
  // `Symbol.hasInstance` (the imported binding is not a constant to the optimizer), the most
  // expensive step of a trivial message.
  private runOne(value: unknown): Promise<void> | undefined {
    return typeof value === "object" && value instanceof MessageEnvelope
      ? this.execute(value, value.body)
      : this.execute(undefined, value);
  }

  /** Adds what is already buffered, up to the batch size. */
  private fillFromBuffer(items: BatchItem[]): void {
    while (items.length < this.batchSize) {
      const value = this.channel.poll();
      if (value === undefined) return;
      items.push(unwrap(value));
    }
  }

  /**
   * `batch.maxWaitMs` > 0: waits up to that long (from now) for more messages to fill a
   * partial batch. The loop is not idle meanwhile, so a draining stop waits for the batch.
   */
  private async waitForMore(items: BatchItem[]): Promise<void> {
    const deadline = performance.now() + this.batchWaitMs;
    while (items.length < this.batchSize && !this.halted) {
      const remaining = deadline - performance.now();
      if (remaining <= 0) return;
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), remaining);
      let value: unknown;
      try {
        value = await this.channel.take({ signal: controller.signal });
      } catch {
        return; // the wait is over
      } finally {
        clearTimeout(timer);
      }
      if (value === undefined) return;
      items.push(unwrap(value));
      this.fillFromBuffer(items);
    }
  }
}

interface BatchItem {
  env: MessageEnvelope | undefined;
  body: unknown;
}

function unwrap(value: unknown): BatchItem {
  return typeof value === "object" && value instanceof MessageEnvelope
    ? { env: value, body: value.body }
    : { env: undefined, body: value };
}
