// A command worker's loop: takes from its input channel and runs up to `concurrency` messages
// at once (1: strictly in order). A busy loop pays no microtask per message: it drains what is
// buffered with `poll()` and awaits `take()` only when the channel is empty, yielding to the
// macrotask queue every YIELD_EVERY messages so timers and I/O are never starved. From an
// acknowledged transport each value is a `Delivery`, settled when its message ends.

import type { Channel, PutMode } from "@workers/channels";
import type { NormalizedWorker } from "@workers/config";
import type { DrainLoop, Item } from "../dispatch/executor.js";
import { MessageEnvelope } from "../system/envelope.js";
import type { WorkerHost } from "../system/host.js";
import type { Delivery, TakeOptions, TransportChannel } from "../transport/types.js";
import { RateLimit } from "./rate-limit.js";
import { Worker, type WorkerDeps } from "./worker.js";

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

export class CommandWorker extends Worker implements DrainLoop {
  /** The input as producers see it. */
  readonly channel: Channel<unknown>;
  /** Where the loop takes from: the channel itself in memory, else its transport. */
  private readonly source: {
    poll(): unknown;
    take(options?: TakeOptions): Promise<unknown>;
  };
  /** Values taken are `Delivery` objects to settle. */
  readonly acknowledged: boolean;
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
  /** Paused, rate-limited or halted: the loop passes `gate()` (a halt ends it) before it takes. */
  gated = false;
  /** Parked in `gate()` while paused. */
  inGate = false;
  private readonly rateLimit: RateLimit | undefined;
  private wakeGate: (() => void) | undefined = undefined;
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

  constructor(
    host: WorkerHost,
    def: NormalizedWorker,
    deps: WorkerDeps,
    input: TransportChannel,
    putMode: PutMode,
  ) {
    super(host, def, deps);
    this.channel = input.channel;
    this.acknowledged = input.acknowledged;
    this.source = input.acknowledged ? input : input.channel;
    this.putMode = putMode;
    this.putKind = putMode === "block" ? PUT_BLOCK : putMode === "drop" ? PUT_DROP : PUT_ASYNC;
    this.concurrency = def.concurrency;
    this.batchSize = def.dispatch === "thread" && def.batch !== undefined ? def.batch.size : 1;
    this.batchWaitMs = this.batchSize > 1 ? (def.batch?.maxWaitMs ?? 0) : 0;
    this.outcomes.onRelease = this.releaseSlot;
    this.rateLimit =
      def.rateLimit === undefined
        ? undefined
        : new RateLimit(def.rateLimit.max, def.rateLimit.intervalMs);
    this.gated = this.rateLimit !== undefined;
  }

  override pause(): void {
    super.pause();
    this.gated = true;
  }

  override resume(): void {
    super.resume();
    this.gated = this.halted || this.rateLimit !== undefined;
    this.openGate();
  }

  private openGate(): void {
    const wake = this.wakeGate;
    this.wakeGate = undefined;
    wake?.();
  }

  /**
   * Waits while the worker is paused, or until its rate limit lets one more run start (the
   * message waits in the channel meanwhile: backpressure is unchanged). `halt` ends the wait.
   */
  private async gate(): Promise<void> {
    while (!this.halted) {
      if (this.paused) {
        this.inGate = true;
        this.host.progress();
        await new Promise<void>((resolve) => {
          this.wakeGate = resolve;
        });
        this.inGate = false;
        continue;
      }
      const wait = this.rateLimit?.waitMs(performance.now()) ?? 0;
      if (wait <= 0) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.wakeGate = undefined;
          resolve();
        }, wait);
        this.wakeGate = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  start(): void {
    // Chosen once: an in-memory input read one message at a time has a loop of its own.
    const loop = this.acknowledged || this.batchSize > 1 ? this.loop() : this.memoryLoop();
    this.loopDone = loop.finally(() => {
      this.exited = true;
      this.waiting = false;
      this.host.progress();
    });
  }

  /** A message `drain` ran went asynchronous: it holds a slot until `outcomes.onRelease`. */
  started(): void {
    this.active++;
  }

  /** Stops taking; wakes the loop if it waits for a free slot, a resume or its rate limit. */
  halt(): void {
    this.halted = true;
    this.gated = true;
    const wake = this.wakeSlot;
    this.wakeSlot = undefined;
    wake?.();
    this.openGate();
  }

  /**
   * `loop` for an in-memory input without batches: the values are the messages themselves (or
   * the runtime's envelopes), so nothing is unwrapped and nothing is acknowledged. Same steps,
   * same ordering and the same fault handling as `loop`, in a smaller frame: a loop parked on
   * an empty channel suspends and resumes once per message.
   */
  private async memoryLoop(): Promise<void> {
    const ch = this.channel;
    const executor = this.executor;
    let burst = 0;
    for (;;) {
      if (this.gated) await this.gate();
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
          this.host.progress();
          value = await next;
          this.waiting = false;
          if (value === undefined) return;
          if (this.halted) {
            this.giveUp(value);
            return;
          }
        }
        handed = true;
        this.rateLimit?.take(performance.now());
        // This message and what the input holds behind it, in one synchronous stretch (the
        // burst's last message is counted below).
        burst += executor.drain(value, ch, this, YIELD_EVERY - burst) - 1;
        // Below `concurrency` when the loop took the message (after `halt()` it returns at the
        // top): only a message that went asynchronous in `drain` can fill the last slot.
        if (this.active >= this.concurrency) {
          // Woken by a finished message or by `halt()`.
          await new Promise<void>((resolve) => {
            this.wakeSlot = resolve;
          });
        }
      } catch (error) {
        this.waiting = false;
        this.outcomes.fault(handed ? undefined : value, error, undefined);
        await yieldToMacrotasks();
      }
      if (++burst >= YIELD_EVERY) {
        burst = 0;
        await yieldToMacrotasks();
      }
    }
  }

  /**
   * The loop never dies of a value or an exception: whatever reaches it (a take that rejects,
   * a message whose handling throws before its outcome is recorded) fails that message alone,
   * and the loop goes on.
   */
  private async loop(): Promise<void> {
    const src = this.source;
    let burst = 0;
    for (;;) {
      if (this.gated) await this.gate();
      if (this.halted) return;
      let value: unknown;
      let handed = false;
      try {
        value = src.poll();
        if (value === undefined) {
          if (this.channel.closed) return;
          // An acknowledged transport may fetch what the free slots can start, never more.
          const next = this.acknowledged
            ? src.take({ max: (this.concurrency - this.active) * this.batchSize })
            : src.take();
          // Marked after `take()` registered, so a quiescence check sees the pending take.
          this.waiting = true;
          this.host.progress();
          value = await next;
          this.waiting = false;
          if (value === undefined) return;
          if (this.halted) {
            this.giveUp(value);
            return;
          }
        }
        let pending: Promise<void> | undefined;
        if (this.batchSize > 1) {
          const items = [this.unwrap(value)];
          this.fillFromBuffer(items);
          if (items.length < this.batchSize && this.batchWaitMs > 0) {
            await this.waitForMore(items);
            if (this.halted) {
              for (const item of items) this.giveUpItem(item);
              return;
            }
          }
          handed = true;
          // A batch is one run for the rate limit.
          this.rateLimit?.take(performance.now());
          pending = this.executor.runBatch(items);
        } else {
          handed = true;
          this.rateLimit?.take(performance.now());
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
        if (handed || value === undefined) this.outcomes.fault(undefined, error, undefined);
        else {
          const item = this.unwrap(value);
          this.outcomes.fault(item.env ?? item.body, error, item.delivery);
        }
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
    if (this.acknowledged) {
      const item = this.unwrap(value);
      return this.executor.run(item.env, item.body, item.delivery);
    }
    return typeof value === "object" && value instanceof MessageEnvelope
      ? this.executor.run(value, value.body, undefined)
      : this.executor.run(undefined, value, undefined);
  }

  /** A value taken from the input: its envelope (if any), body and delivery (if any). */
  unwrap(value: unknown): Item {
    let delivery: Delivery | undefined;
    if (this.acknowledged) {
      delivery = value as Delivery;
      value = delivery.value;
    }
    return typeof value === "object" && value instanceof MessageEnvelope
      ? { env: value, body: value.body, delivery }
      : { env: undefined, body: value, delivery };
  }

  /** `stop` took a value the loop will not run: a shutdown drop, or back to its transport. */
  giveUp(value: unknown): void {
    this.giveUpItem(this.unwrap(value));
  }

  private giveUpItem(item: Item): void {
    if (item.delivery !== undefined) {
      item.delivery.nak(0);
      this.host.returned(item.env);
    } else {
      this.host.shutdownDrop(this.name, this.inChannel, item.env, item.body);
    }
  }

  /** Adds what is already buffered, up to the batch size. */
  private fillFromBuffer(items: Item[]): void {
    while (items.length < this.batchSize) {
      const value = this.source.poll();
      if (value === undefined) return;
      items.push(this.unwrap(value));
    }
  }

  /**
   * `batch.maxWaitMs` > 0: waits up to that long (from now) for more messages to fill a
   * partial batch. The loop is not idle meanwhile, so a draining stop waits for the batch.
   */
  private async waitForMore(items: Item[]): Promise<void> {
    const deadline = performance.now() + this.batchWaitMs;
    while (items.length < this.batchSize && !this.halted) {
      const remaining = deadline - performance.now();
      if (remaining <= 0) return;
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), remaining);
      let value: unknown;
      try {
        value = await this.source.take({ signal: controller.signal });
      } catch {
        return; // the wait is over
      } finally {
        clearTimeout(timer);
      }
      if (value === undefined) return;
      items.push(this.unwrap(value));
      this.fillFromBuffer(items);
    }
  }
}
