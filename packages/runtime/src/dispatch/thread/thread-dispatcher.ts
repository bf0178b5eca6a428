import { AsyncLocalStorage } from "node:async_hooks";
import { performance } from "node:perf_hooks";
import type { Piscina } from "piscina";
import { ThreadClosedError, ThreadCrashedError, ThreadQueueFullError } from "../../errors.js";
import { Histogram } from "../../observability/histogram.js";
import type {
  ContextRunner,
  ModuleRef,
  TaskOutcome,
  ThreadDispatcher,
  ThreadPoolStats,
  ThreadTask,
} from "../types.js";
import { AbortRouter } from "./abort-router.js";
import { ChannelBridge } from "./channel-bridge.js";
import { decodeThrown } from "./error-codec.js";
import { type ResolvedThreadOptions, resolveThreadOptions } from "./options.js";
import { loadModules, shutdownThreads } from "./pool-lifecycle.js";
import {
  cloneErrorOf,
  coalesceLimit,
  createPool,
  describe,
  MAX_ATTEMPTS,
  Occupancy,
  setupUrl,
  type ThreadDispatcherOptions,
  uncloneable,
} from "./pool-setup.js";
import { OUT_ERROR, OUT_OK, type RunResult, type ThreadData } from "./protocol.js";
import { encodeRun } from "./run-payload.js";
import { SlotTable } from "./slot-table.js";
import { UnitQueue } from "./unit-queue.js";
import {
  type AbortTarget,
  Item,
  Owner,
  POSTED,
  Posted,
  QUEUED,
  SETTLED,
  type Unit,
} from "./work-items.js";

export type { ThreadDispatcherOptions } from "./pool-setup.js";

class ThreadPool implements ThreadDispatcher, AbortTarget {
  readonly #options: ResolvedThreadOptions;
  readonly #abortGraceMs: number;
  readonly #pool: Piscina;
  readonly #slots = new SlotTable();
  readonly #aborts: AbortRouter;
  readonly #bridge: ChannelBridge;
  /**
   * Pool tasks in flight. A channel operation from a thread names its message by sequence
   * number and is carried out under its signal (and, with `captureContext`, in its async
   * context); the message is found here (a handful of tasks, not a map entry per message).
   */
  readonly #tasks = new Set<Posted>();
  /** Capture each message's async context for its channel operations. */
  readonly #capture: boolean;
  readonly #capacity: number;
  readonly #queue = new UnitQueue();
  #queued = 0;
  #inFlight = 0;
  #outstanding = 0;
  #seq = 0;
  #completed = 0;
  #closed = false;
  #idle: (() => void) | undefined;
  #drained: (() => void) | undefined;
  readonly #runTimes = new Histogram();
  /** Per worker: the thread time one message takes (ms, moving average). */
  readonly #costs = new Map<string, number>();
  readonly #occupancy = new Occupancy();
  readonly #waitTimes = new Histogram();

  constructor(options: ThreadDispatcherOptions) {
    this.#options = resolveThreadOptions(options.threads);
    this.#abortGraceMs = options.abortGraceMs ?? 2000;
    this.#aborts = new AbortRouter(this);
    const o = this.#options;
    this.#capacity = o.max * o.concurrentTasksPerThread;
    this.#capture = options.captureContext === true;
    const data: ThreadData = {
      slots: this.#slots.shared,
      abortChannel: this.#aborts.channelName,
      setup: setupUrl(o.setup),
    };
    this.#pool = createPool(o, data);
    this.#bridge = new ChannelBridge(options.channelOp, (seq) => this.#find(seq));
    this.#pool.on("message", (message: unknown) => this.#bridge.attach(message));
    // A thread that dies while idle is replaced on demand; nothing was lost with it.
    this.#pool.on("error", () => {});
  }

  // ---- public API -------------------------------------------------------------------------

  async load(refs: readonly ModuleRef[]): Promise<void> {
    if (this.#closed) throw new ThreadClosedError();
    await loadModules(this.#pool, setupUrl(this.#options.setup), refs);
  }

  run(task: ThreadTask): Promise<unknown> {
    const refused = this.#refuse(1);
    if (refused !== undefined) return Promise.reject(refused);
    if (task.signal.aborted) return Promise.reject(task.signal.reason);
    const owner = new Owner(1, true);
    const context = this.#capture ? (task.context ?? AsyncLocalStorage.snapshot()) : undefined;
    this.#enqueue(this.#item(task, owner, 0, context));
    return owner.promise;
  }

  runBatch(tasks: readonly ThreadTask[]): Promise<TaskOutcome[]> {
    if (tasks.length === 0) return Promise.resolve([]);
    const refused = this.#refuse(tasks.length);
    if (refused !== undefined) return Promise.reject(refused);
    const owner = new Owner(tasks.length, false);
    const shared = this.#capture ? AsyncLocalStorage.snapshot() : undefined;
    const items: Item[] = [];
    // A batch's messages mostly share one signal: it is asked once whether it aborted (no
    // user code runs in this loop, so the answer holds).
    let signal: AbortSignal | undefined;
    let aborted = false;
    for (let i = 0; i < tasks.length; i++) {
      const task = tasks[i] as ThreadTask;
      if (task.signal !== signal) {
        signal = task.signal;
        aborted = signal.aborted;
      }
      if (aborted) {
        (owner.outcomes as TaskOutcome[])[i] = { ok: false, error: task.signal.reason };
        owner.remaining--;
      } else {
        items.push(this.#item(task, owner, i, task.context ?? shared));
      }
    }
    if (items.length === 0) return Promise.resolve(owner.outcomes as TaskOutcome[]);
    this.#enqueue(items.length === 1 ? (items[0] as Item) : items);
    return owner.promise;
  }

  stats(): ThreadPoolStats {
    return {
      threads: this.#pool.threads.length,
      utilization: this.#occupancy.utilization(this.#inFlight, this.#options.max),
      queueSize: this.#queued + this.#pool.queueSize,
      completed: this.#completed,
      runTimeMs: this.#runTimes.summary(),
      waitTimeMs: this.#waitTimes.summary(),
    };
  }

  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      if (this.#outstanding > 0) {
        await new Promise<void>((resolve) => {
          this.#idle = resolve;
        });
      }
      // Messages aborted while running settled at once, but their functions may still be
      // winding down after seeing ctx.signal: give them abortGraceMs, then destroying the pool
      // cancels what is left.
      if (this.#inFlight > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.#abortGraceMs);
          this.#drained = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      if (this.#options.setup !== null) {
        await shutdownThreads(this.#bridge, this.#pool, this.#options.shutdownTimeoutMs);
      }
      await this.#pool.destroy();
      this.#aborts.close();
      this.#bridge.close();
    }
  }

  // ---- queue ------------------------------------------------------------------------------

  #refuse(count: number): Error | undefined {
    if (this.#closed) return new ThreadClosedError();
    if (this.#queued + count > this.#options.maxQueue) {
      return new ThreadQueueFullError(this.#options.maxQueue);
    }
    return undefined;
  }

  #item(task: ThreadTask, owner: Owner, index: number, context: ContextRunner | undefined): Item {
    const item = new Item(task, owner, index, context);
    this.#aborts.watch(task.signal, item);
    this.#outstanding++;
    this.#queued++;
    return item;
  }

  #enqueue(unit: Unit): void {
    this.#queue.push(unit);
    this.#pump();
  }

  #pump(): void {
    const queue = this.#queue;
    while (this.#inFlight < this.#capacity && queue.pending) {
      // Coalesce what is queued now (never wait for more), spread over the threads so the
      // tail of a burst still keeps every thread busy.
      const first = queue.first();
      const cost = first === undefined ? undefined : this.#costs.get(first.task.worker.name);
      const limit = coalesceLimit(cost, this.#queued, this.#options.max);
      const { items, groups } = queue.take(limit);
      if (items.length > 0) this.#post(items, groups);
    }
  }

  #post(items: Item[], groups: number[] | null): void {
    const n = items.length;
    const base = this.#seq;
    this.#seq += n;
    // Slots are the sequence numbers modulo SLOT_COUNT, free once the tasks of the messages
    // that had them completed: the oldest task in flight bounds how many this one may use.
    const oldestTask = this.#tasks.values().next().value;
    const tracked = this.#slots.tracked(base, n, oldestTask === undefined ? base : oldestTask.base);
    const now = performance.now();
    this.#queued -= n;
    const run = encodeRun(items, groups, base, tracked, this.#options.setup !== null, now);
    const { payload, transfers } = run;
    this.#waitTimes.record(now - run.oldest, now);
    const posted = new Posted(items, groups, base, now);
    this.#tasks.add(posted);
    this.#occupancy.update(now, this.#inFlight, this.#options.max);
    this.#inFlight++;
    this.#pool
      .run(payload, transfers === undefined ? undefined : { transferList: transfers as never })
      .then(
        (out: RunResult) => this.#done(posted, out),
        (error: unknown) => this.#failed(posted, error),
      );
  }

  // ---- outcomes ---------------------------------------------------------------------------

  #done(posted: Posted, out: RunResult): void {
    this.#tasks.delete(posted);
    const now = performance.now();
    this.#occupancy.update(now, this.#inFlight, this.#options.max);
    if (--this.#inFlight === 0) this.#drained?.();
    this.#runTimes.record(now - posted.postedAt, now);
    const items = posted.items;
    const [statuses, values, ms] = out;
    const perItem = ms / items.length;
    const name = (items[0] as Item).task.worker.name;
    const cost = this.#costs.get(name);
    this.#costs.set(name, cost === undefined ? perItem : cost * 0.8 + perItem * 0.2);
    for (let k = 0; k < items.length; k++) {
      const item = items[k] as Item;
      this.#freeSlot(item);
      if (item.state === SETTLED) continue;
      const status = statuses === null ? OUT_OK : statuses[k];
      if (status === OUT_OK) this.#settle(item, true, values[k]);
      else if (status === OUT_ERROR) this.#settle(item, false, decodeThrown(values[k] as never));
      else this.#settle(item, false, item.task.signal.reason);
    }
    this.#pump();
  }

  #failed(posted: Posted, error: unknown): void {
    this.#occupancy.update(performance.now(), this.#inFlight, this.#options.max);
    if (--this.#inFlight === 0) this.#drained?.();
    const items = posted.items;
    const payloadError = error instanceof Error && error.name === "DataCloneError";
    let k = 0;
    const retry = (group: Item[]): void => {
      if (group.length === 0) return;
      this.#queue.pushFront(group.length === 1 ? (group[0] as Item) : group);
    };
    const pending: Unit[] = [];
    const groups = posted.groups ?? items.map(() => 1);
    for (const size of groups) {
      const again: Item[] = [];
      for (let end = k + size; k < end; k++) {
        const item = items[k] as Item;
        const started = item.slot < 0 || this.#slots.left(item.slot);
        this.#freeSlot(item);
        if (item.state === SETTLED) continue;
        // A message that cannot be cloned (refused by structured clone, or a getter that throws
        // while it is serialized) fails alone, with InvalidMessageError; the others go again.
        const cloneError = started ? undefined : cloneErrorOf(item.task);
        if (cloneError !== undefined) {
          this.#settle(item, false, uncloneable(item.task, cloneError));
        } else if (payloadError) {
          if (item.attempts < MAX_ATTEMPTS) {
            item.attempts++;
            pending.push(item);
          } else {
            this.#settle(item, false, uncloneable(item.task, error));
          }
        } else if (!started && item.attempts < MAX_ATTEMPTS) {
          item.attempts++;
          again.push(item);
        } else {
          this.#settle(
            item,
            false,
            new ThreadCrashedError(`the thread running this message died: ${describe(error)}`, {
              cause: error,
            }),
          );
        }
      }
      if (again.length > 0) pending.push(again.length === 1 ? (again[0] as Item) : again);
    }
    // Only now may the task's slots go to another task: every message's "started" has been
    // read (structured clone above may run a message's getters, which may post more).
    this.#tasks.delete(posted);
    for (let i = pending.length - 1; i >= 0; i--) {
      const unit = pending[i] as Unit;
      for (const item of Array.isArray(unit) ? unit : [unit]) {
        item.state = QUEUED;
        this.#queued++;
      }
      retry(Array.isArray(unit) ? unit : [unit]);
    }
    this.#pump();
  }

  #settle(item: Item, ok: boolean, value: unknown): void {
    const wasQueued = item.state === QUEUED;
    item.state = SETTLED;
    if (wasQueued) this.#queued--;
    // A listener left on the signal finds the item settled and does nothing.
    this.#completed++;
    item.owner.settle(item.index, ok, value);
    if (--this.#outstanding === 0 && this.#idle !== undefined) this.#idle();
  }

  /** Called when a message's signal aborts. */
  abortItem(item: Item): void {
    if (item.state === SETTLED) return;
    if (item.state === POSTED) {
      const slot = item.slot;
      // Not started yet: the thread will skip it. Started: abort its ctx.signal in the thread,
      // and give it `abortGraceMs` to stop before its thread is terminated.
      if (slot < 0 || !this.#slots.abortBeforeStart(slot)) {
        this.#aborts.broadcast(item.seq);
        if (slot >= 0) this.#killAfterGrace(item, slot);
      }
    }
    this.#settle(item, false, item.task.signal.reason);
  }

  /**
   * A signal carried by several messages aborted: every unsettled one that carries it fails,
   * posted ones first (in the order they were posted), then queued ones in queue order.
   */
  abortSignal(signal: AbortSignal): void {
    const hit: Item[] = [];
    for (const posted of this.#tasks) posted.carrying(signal, hit);
    hit.sort((a, b) => a.seq - b.seq);
    this.#queue.carrying(signal, hit);
    for (const item of hit) this.abortItem(item);
  }

  /** The unsettled posted message numbered `seq`. */
  #find(seq: number): Item | undefined {
    for (const posted of this.#tasks) {
      const item = posted.find(seq);
      if (item !== undefined) return item;
    }
    return undefined;
  }

  #killAfterGrace(item: Item, slot: number): void {
    const timer = setTimeout(() => {
      // Still in flight (its slot is freed when its pool task completes): stop its thread.
      if (item.slot !== slot || this.#closed) return;
      const id = this.#slots.runningThread(slot);
      if (id === 0) return;
      for (const thread of this.#pool.threads) {
        if (thread.threadId === id) void thread.terminate();
      }
    }, this.#abortGraceMs);
    timer.unref();
  }

  /** Its pool task completed: the message's slot goes with the task (see SlotTable). */
  #freeSlot(item: Item): void {
    item.slot = -1;
  }
}

/**
 * Creates the thread dispatcher of a system: one piscina pool running thread workers'
 * messages, with the thread-side `ctx` and channel proxies.
 *
 * Messages queued while every thread is busy are coalesced (up to 64 a pool task, spread over
 * the threads) when a thread frees up; an idle pool runs each message at once.
 */
export function createThreadDispatcher(options: ThreadDispatcherOptions): ThreadDispatcher {
  return new ThreadPool(options);
}
