import { AsyncLocalStorage } from "node:async_hooks";
import { resolve as resolvePath } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { BroadcastChannel, type Transferable } from "node:worker_threads";
import { Piscina } from "piscina";
import {
  InvalidMessageError,
  ThreadClosedError,
  ThreadCrashedError,
  ThreadLoadError,
  ThreadQueueFullError,
} from "../../errors.js";
import type {
  ContextRunner,
  ModuleRef,
  ThreadDispatcherOptions as SeamOptions,
  TaskOutcome,
  ThreadDispatcher,
  ThreadPoolStats,
  ThreadTask,
  WorkerInfo,
} from "../types.js";
import { ChannelBridge } from "./channel-bridge.js";
import { decodeThrown } from "./error-codec.js";
import { threadFlags } from "./loaders.js";
import { type ResolvedThreadOptions, resolveThreadOptions } from "./options.js";
import {
  type LoadResult,
  OUT_ERROR,
  OUT_OK,
  packed,
  type RunPayload,
  type RunResult,
  slotOf,
  type ThreadData,
  type WireWorker,
} from "./protocol.js";
import { Samples } from "./samples.js";
import { SlotTable } from "./slot-table.js";
import { sourceLocation } from "./source-location.js";
import { transferListOf } from "./transfer.js";
import {
  type AbortTarget,
  Item,
  ItemWatch,
  Owner,
  POSTED,
  Posted,
  QUEUED,
  SETTLED,
  SignalWatch,
  type Unit,
} from "./work-items.js";

/** The seam's options, plus what only tests and benchmarks set. */
export interface ThreadDispatcherOptions extends SeamOptions {
  /**
   * How long a message that was aborted while running may keep its thread busy before the
   * thread is terminated (the pool replaces it).
   * @default 2000
   */
  readonly abortGraceMs?: number;
}

/** At most this many queued messages are coalesced into one pool task. */
const COALESCE_MAX = 64;
/**
 * Coalescing aims at pool tasks of about this long (from each worker's measured cost per
 * message): cheap messages travel 64 at a time, 1 ms ones two at a time, so a burst's tail
 * never leaves one thread with a long backlog while another idles.
 */
const TARGET_TASK_MS = 2;
/** A message whose thread died before it started is retried this many times. */
const MAX_ATTEMPTS = 3;

// The thread entry beside this file: `.ts` when running from source, `.js` from dist.
const here = import.meta.url;
const entryFile = fileURLToPath(
  new URL(here.endsWith(".ts") ? "./thread-entry.ts" : "./thread-entry.js", here),
);

let dispatcherCount = 0;
const once = { once: true } as const;

class ThreadPool implements ThreadDispatcher, AbortTarget {
  readonly #options: ResolvedThreadOptions;
  readonly #abortGraceMs: number;
  readonly #pool: Piscina;
  readonly #slots = new SlotTable();
  readonly #aborts: BroadcastChannel;
  readonly #bridge: ChannelBridge;
  readonly #watches = new WeakMap<AbortSignal, ItemWatch | SignalWatch>();
  /** The last signal found to have a `SignalWatch`: its next messages skip the lookup. */
  #watched: AbortSignal | undefined = undefined;
  /**
   * Pool tasks in flight. A channel operation from a thread names its message by sequence
   * number and is carried out under its signal (and, with `captureContext`, in its async
   * context); the message is found here (a handful of tasks, not a map entry per message).
   */
  readonly #tasks = new Set<Posted>();
  /** Capture each message's async context for its channel operations. */
  readonly #capture: boolean;
  readonly #capacity: number;
  readonly #queue: Unit[] = [];
  #head = 0;
  #queued = 0;
  #inFlight = 0;
  #outstanding = 0;
  #seq = 0;
  #completed = 0;
  #closed = false;
  #idle: (() => void) | undefined;
  #drained: (() => void) | undefined;
  readonly #runTimes = new Samples();
  /** Per worker: the thread time one message takes (ms, moving average). */
  readonly #costs = new Map<string, number>();
  // Thread occupancy integrated over time, for `utilization`.
  readonly #createdAt = performance.now();
  #busySince = this.#createdAt;
  #busy = 0;
  readonly #waitTimes = new Samples();

  constructor(options: ThreadDispatcherOptions) {
    this.#options = resolveThreadOptions(options.threads);
    this.#abortGraceMs = options.abortGraceMs ?? 2000;
    const abortChannel = `@workers/runtime.abort:${process.pid}:${++dispatcherCount}:${Math.random()}`;
    this.#aborts = new BroadcastChannel(abortChannel);
    this.#aborts.unref();
    const o = this.#options;
    this.#capacity = o.max * o.concurrentTasksPerThread;
    this.#capture = options.captureContext === true;
    const data: ThreadData = {
      slots: this.#slots.shared,
      abortChannel,
      setup: setupUrl(o.setup),
    };
    const flags = threadFlags(
      process.execArgv,
      process.env.NODE_OPTIONS,
      o.inheritLoaders,
      o.execArgv,
    );
    this.#pool = new Piscina({
      filename: entryFile,
      minThreads: o.min,
      maxThreads: o.max,
      idleTimeout: o.idleTimeoutMs,
      concurrentTasksPerWorker: o.concurrentTasksPerThread,
      atomics: "async",
      recordTiming: false,
      workerData: data,
      ...(o.resourceLimits === undefined ? {} : { resourceLimits: { ...o.resourceLimits } }),
      // The process's own flags (its loaders adjusted for threads, see loaders.ts), less those
      // a thread refuses (`--expose-gc`...), then the caller's as given; none given: Node's
      // own inheritance.
      ...(flags.execArgv === undefined ? {} : { execArgv: flags.execArgv }),
      // A thread reads NODE_OPTIONS from its environment: when its loaders moved to execArgv,
      // the threads get the process's environment (as of now) without them.
      ...(flags.nodeOptions === undefined ? {} : { env: threadEnv(flags.nodeOptions) }),
    });
    this.#bridge = new ChannelBridge(options.channelOp, (seq) => this.#find(seq));
    this.#pool.on("message", (message: unknown) => this.#bridge.attach(message));
    // A thread that dies while idle is replaced on demand; nothing was lost with it.
    this.#pool.on("error", () => {});
  }

  // ---- public API -------------------------------------------------------------------------

  async load(refs: readonly ModuleRef[]): Promise<void> {
    if (this.#closed) throw new ThreadClosedError();
    const unique = new Map<string, ModuleRef>();
    for (const ref of refs) unique.set(`${ref.url}#${ref.exportName}`, ref);
    if (unique.size === 0) return;
    const list = [...unique.values()];
    let results: LoadResult;
    try {
      results = (await this.#pool.run({ l: list.map((r) => [r.url, r.exportName]) })) as LoadResult;
    } catch (error) {
      const first = list[0] as ModuleRef;
      throw new ThreadLoadError(
        first.url,
        first.exportName,
        `a thread died while loading thread worker modules (${list.map(refName).join(", ")})`,
        { cause: error },
      );
    }
    if ("setup" in results) {
      const error = decodeThrown(results.setup);
      const url = setupUrl(this.#options.setup) as string;
      throw new ThreadLoadError(
        url,
        "",
        `cannot load the threads.setup module ${displayUrl(url)}: ${describeLoadError(error)}`,
        { cause: error },
      );
    }
    const failed = list.flatMap((ref, i) => {
      const wire = results[i];
      return wire === null || wire === undefined ? [] : [{ ref, error: decodeThrown(wire) }];
    });
    const first = failed[0];
    if (first !== undefined) {
      const names = failed
        .map((f) => `${refName(f.ref)}: ${describeLoadError(f.error)}`)
        .join("; ");
      throw new ThreadLoadError(
        first.ref.url,
        first.ref.exportName,
        `cannot load thread worker module ${names}`,
        { cause: first.error },
      );
    }
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
      utilization: this.#utilization(),
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
      if (this.#options.setup !== null) await this.#shutdownThreads();
      await this.#pool.destroy();
      this.#aborts.close();
      this.#bridge.close();
    }
  }

  /** Each thread runs the setup module's `shutdown()` before the pool ends it (bounded). */
  async #shutdownThreads(): Promise<void> {
    const timeoutMs = this.#options.shutdownTimeoutMs;
    const { errors, unanswered } = await this.#bridge.shutdown(this.#pool.threads, timeoutMs);
    const problems: string[] = [];
    if (errors.length > 0) {
      problems.push(`threw in ${errors.length} thread(s): ${describe(errors[0])}`);
    }
    if (unanswered > 0) {
      problems.push(`did not finish within ${timeoutMs} ms in ${unanswered} thread(s)`);
    }
    if (problems.length === 0) return;
    // stop() goes on: the threads end either way. The warning is what is left to say.
    process.emitWarning(
      `the threads.setup module's shutdown() ${problems.join(" and ")}; those threads ended without it finishing`,
      {
        code: "WORKERS_THREAD_SHUTDOWN",
        ...(errors[0] instanceof Error && errors[0].stack !== undefined
          ? { detail: errors[0].stack }
          : {}),
      },
    );
  }

  #occupancy(now: number): void {
    this.#busy += (now - this.#busySince) * Math.min(this.#inFlight, this.#options.max);
    this.#busySince = now;
  }

  #utilization(): number {
    const now = performance.now();
    this.#occupancy(now);
    const capacity = (now - this.#createdAt) * this.#options.max;
    return capacity <= 0 ? 0 : Math.round((this.#busy / capacity) * 1000) / 1000;
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
    // Messages that share a signal (the system's stop signal) pay nothing here.
    if (task.signal !== this.#watched) this.#watch(task.signal, item);
    this.#outstanding++;
    this.#queued++;
    return item;
  }

  /** Makes sure an abort of `signal` reaches `item`. */
  #watch(signal: AbortSignal, item: Item): void {
    const seen = this.#watches.get(signal);
    if (seen === undefined) {
      const watch = new ItemWatch(this, item);
      this.#watches.set(signal, watch);
      signal.addEventListener("abort", watch, once);
      return;
    }
    if (!(seen instanceof SignalWatch)) {
      const watch = new SignalWatch(this, signal);
      this.#watches.set(signal, watch);
      signal.addEventListener("abort", watch, once);
    }
    this.#watched = signal;
  }

  #enqueue(unit: Unit): void {
    this.#queue.push(unit);
    this.#pump();
  }

  #requeueFront(unit: Unit): void {
    if (this.#head > 0) this.#queue[--this.#head] = unit;
    else this.#queue.unshift(unit);
  }

  #pump(): void {
    const queue = this.#queue;
    while (this.#inFlight < this.#capacity && this.#head < queue.length) {
      // Coalesce what is queued now (never wait for more), spread over the threads so the
      // tail of a burst still keeps every thread busy.
      const head = queue[this.#head] as Unit;
      const first = Array.isArray(head) ? head[0] : head;
      const cost = first === undefined ? undefined : this.#costs.get(first.task.worker.name);
      const limit =
        cost === undefined
          ? 1
          : Math.max(
              1,
              Math.min(
                COALESCE_MAX,
                Math.floor(TARGET_TASK_MS / Math.max(cost, 1e-3)),
                Math.ceil(this.#queued / this.#options.max),
              ),
            );
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
      if (items.length > 0) this.#post(items, groups);
    }
  }

  #post(items: Item[], groups: number[] | null): void {
    const n = items.length;
    const workers: WireWorker[] = [];
    let workerIndex: Uint8Array | null = null;
    const bodies: unknown[] = [];
    let headers: (Readonly<Record<string, string>> | 0)[] | null = null;
    const base = this.#seq;
    this.#seq += n;
    // Slots are the sequence numbers modulo SLOT_COUNT, free once the tasks of the messages
    // that had them completed: the oldest task in flight bounds how many this one may use.
    const oldestTask = this.#tasks.values().next().value;
    const tracked = this.#slots.tracked(base, n, oldestTask === undefined ? base : oldestTask.base);
    const ids: string[] | null = this.#options.setup === null ? null : [];
    let transfers: Transferable[] | undefined;
    const now = performance.now();
    let oldest = now;
    // The messages of a batch share their worker and (mostly) one empty headers object: each
    // is looked at once a pool task.
    let lastWorker: WorkerInfo | undefined;
    let w = 0;
    let noHeaders: object | undefined;
    for (let k = 0; k < n; k++) {
      const item = items[k] as Item;
      const task = item.task;
      item.state = POSTED;
      item.seq = base + k;
      this.#queued--;
      if (item.owner.enqueuedAt < oldest) oldest = item.owner.enqueuedAt;
      if (task.worker !== lastWorker) {
        lastWorker = task.worker;
        w = 0;
        while (w < workers.length && (workers[w] as WireWorker)[0] !== task.worker.name) w++;
        // At most 64 messages are coalesced (a batch has one worker): the index fits a byte.
        if (w === workers.length) {
          workers.push([
            task.worker.name,
            task.worker.kind,
            task.worker.in ?? null,
            task.ref.url,
            task.ref.exportName,
          ]);
        }
      }
      if (w > 0) (workerIndex ??= new Uint8Array(n))[k] = w;
      bodies.push(task.body);
      const h = task.headers;
      if (h !== noHeaders) {
        if (isEmpty(h)) noHeaders = h;
        else (headers ??= packed<Readonly<Record<string, string>> | 0>(n, 0))[k] = h;
      }
      item.slot = k < tracked ? slotOf(base + k) : -1;
      if (ids !== null) ids.push(task.messageId);
      const list = transferListOf(task.body);
      if (list !== undefined) (transfers ??= []).push(...list);
    }
    this.#waitTimes.add(now - oldest);
    const payload: RunPayload = {
      w: workers,
      wi: workerIndex,
      b: bodies,
      h: headers,
      t: tracked,
      q: base,
      g: groups,
      m: ids,
    };
    const posted = new Posted(items, groups, base, now);
    this.#tasks.add(posted);
    this.#occupancy(now);
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
    this.#occupancy(now);
    if (--this.#inFlight === 0) this.#drained?.();
    this.#runTimes.add(now - posted.postedAt);
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
    this.#occupancy(performance.now());
    if (--this.#inFlight === 0) this.#drained?.();
    const items = posted.items;
    const payloadError = error instanceof Error && error.name === "DataCloneError";
    let k = 0;
    const retry = (group: Item[]): void => {
      if (group.length === 0) return;
      this.#requeueFront(group.length === 1 ? (group[0] as Item) : group);
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
    const owner = item.owner;
    if (owner.outcomes === undefined) {
      if (ok) owner.resolve(value as never);
      else owner.reject(value);
    } else {
      owner.outcomes[item.index] = ok ? { ok: true, value } : { ok: false, error: value };
      if (--owner.remaining === 0) owner.resolve(owner.outcomes as never);
    }
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
        this.#aborts.postMessage(item.seq);
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
    for (const posted of this.#tasks) {
      for (const item of posted.items) {
        if (item.state === POSTED && item.task.signal === signal) hit.push(item);
      }
    }
    hit.sort((a, b) => a.seq - b.seq);
    const queue = this.#queue;
    for (let i = this.#head; i < queue.length; i++) {
      const unit = queue[i] as Unit;
      for (const item of Array.isArray(unit) ? unit : [unit]) {
        if (item.state === QUEUED && item.task.signal === signal) hit.push(item);
      }
    }
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

/** Why a task's body and headers cannot be structured-cloned; `undefined` if they can (or are marked for transfer). */
function cloneErrorOf(task: ThreadTask): unknown {
  if (transferListOf(task.body) !== undefined) return undefined;
  try {
    structuredClone([task.body, task.headers]);
    return undefined;
  } catch (error) {
    return error === undefined ? new TypeError("the message cannot be cloned") : error;
  }
}

function uncloneable(task: ThreadTask, cause: unknown): InvalidMessageError {
  return new InvalidMessageError(
    `A message for thread worker "${task.worker.name}" cannot be cloned to a thread: ${describe(cause)}`,
    { cause },
  );
}

function allQueued(unit: readonly Item[]): boolean {
  for (const item of unit) if (item.state !== QUEUED) return false;
  return true;
}

function isEmpty(headers: object): boolean {
  for (const _ in headers) return false;
  return true;
}

function refName(ref: ModuleRef): string {
  return `${ref.url}#${ref.exportName}`;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A load error for a message: a syntax error names its file, line and column (the thread put
 * Node's location line on top of its stack), as `path:line:column` an editor opens.
 */
function describeLoadError(error: unknown): string {
  const stack = error instanceof Error ? error.stack : undefined;
  const at = typeof stack === "string" ? sourceLocation(stack) : undefined;
  if (at === undefined) return describe(error);
  const position = at.column === undefined ? `${at.line}` : `${at.line}:${at.column}`;
  return `${(error as Error).name}: ${describe(error)} at ${at.file}:${position}`;
}

function threadEnv(nodeOptions: string): Record<string, string> {
  const env: Record<string, string> = Object.create(null);
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && key !== "NODE_OPTIONS") env[key] = value;
  }
  if (nodeOptions !== "") env.NODE_OPTIONS = nodeOptions;
  return env;
}

function displayUrl(url: string): string {
  try {
    return url.startsWith("file:") ? fileURLToPath(url) : url;
  } catch {
    return url;
  }
}

function setupUrl(setup: string | null): string | null {
  if (setup === null) return null;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(setup) || setup.startsWith("data:")) return setup;
  return pathToFileURL(resolvePath(setup)).href;
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
