// Runs inside every pool thread: imports worker modules, builds the thread-side ctx, runs
// messages, and carries channel operations back to the main thread. Loaded by thread-entry.

import { pathToFileURL } from "node:url";
import {
  BroadcastChannel,
  MessageChannel,
  type MessagePort,
  parentPort,
  type Transferable,
  threadId,
  workerData,
} from "node:worker_threads";
import { Piscina } from "piscina";
import { decodeThrown, encodeThrown, type WireThrown } from "./error-codec.js";
import {
  type LoadPayload,
  type LoadResult,
  type OpRequest,
  type OpResponse,
  OUT_ERROR,
  OUT_SKIPPED,
  PORT_MARK,
  packed,
  type RunPayload,
  type RunResult,
  SHUTDOWN_MARK,
  type ShutdownReply,
  SLOT_ABORTED,
  SLOT_POSTED,
  slotOf,
  type ThreadData,
  type WireWorker,
} from "./protocol.js";
import { decorateSyntaxError } from "./source-location.js";
import { transferListOf } from "./transfer.js";
import type { ThreadWorkerContext } from "./types.js";

type WorkerFunction = (ctx: ThreadContext, msg: unknown) => unknown;
type Around = (
  info: { workerId: string; channel: string | undefined; dispatch: "thread"; messageId: string },
  headers: Readonly<Record<string, string>>,
  run: () => unknown,
) => unknown;

const data = workerData as ThreadData;
const slots = new Int32Array(data.slots);

// What the per-message path uses, bound once: a loader that compiles this module to CommonJS
// (tsx, when the process runs with it) turns each use of an imported binding into a getter
// call.
const POSTED = SLOT_POSTED;
const ABORTED = SLOT_ABORTED;
const ERROR = OUT_ERROR;
const SKIPPED = OUT_SKIPPED;
const slotOfSeq = slotOf;
const transferList = transferListOf;

// ---- control port: channel operations travel to the main thread and back --------------------

const control = new MessageChannel();
const port: MessagePort = control.port1;
parentPort?.postMessage({ [PORT_MARK]: true, port: control.port2, threadId }, [control.port2]);

let nextOpId = 0;
const pendingOps = new Map<number, { resolve(ok: boolean): void; reject(e: unknown): void }>();

port.on("message", (res: OpResponse | typeof SHUTDOWN_MARK) => {
  if (res === SHUTDOWN_MARK) {
    void shutdown().then((reply) => port.postMessage(reply));
    return;
  }
  const waiter = pendingOps.get(res.id);
  if (waiter === undefined) return;
  pendingOps.delete(res.id);
  if ("err" in res) waiter.reject(decodeThrown(res.err));
  else waiter.resolve(res.ok);
});
// Only while an operation waits does the port keep the thread's loop alive.
port.unref();

function channelOp(
  workerId: string,
  channel: string,
  op: "put" | "offer",
  value: unknown,
  seq: number,
) {
  if (value === undefined) {
    return Promise.reject(new TypeError(`cannot ${op} undefined on channel "${channel}"`));
  }
  const id = nextOpId++;
  const request: OpRequest =
    seq < 0
      ? { id, w: workerId, c: channel, o: op, v: value }
      : { id, w: workerId, c: channel, o: op, v: value, q: seq };
  return new Promise<boolean>((resolve, reject) => {
    try {
      const list = transferListOf(value);
      port.postMessage(request, list as Transferable[] | undefined);
    } catch (error) {
      reject(error);
      return;
    }
    if (pendingOps.size === 0) port.ref();
    pendingOps.set(id, {
      resolve(ok) {
        if (pendingOps.size === 0) port.unref();
        resolve(ok);
      },
      reject(e) {
        if (pendingOps.size === 0) port.unref();
        reject(e);
      },
    });
  });
}

/**
 * A thread-side channel: `put` waits until the main thread's channel accepted the value. Each
 * message has its own proxies, naming it (`seq`) in its operations: a put parked on the main
 * thread ends when the message is aborted, and is carried out in its async context.
 */
class ChannelProxy {
  readonly #worker: string;
  readonly #name: string;
  readonly #seq: number;
  constructor(worker: string, name: string, seq: number) {
    this.#worker = worker;
    this.#name = name;
    this.#seq = seq;
  }
  put(value: unknown): Promise<boolean> {
    return channelOp(this.#worker, this.#name, "put", value, this.#seq);
  }
  offer(value: unknown): Promise<boolean> {
    return channelOp(this.#worker, this.#name, "offer", value, this.#seq);
  }
}

function channelsFor(worker: string, seq: number): Record<string, ChannelProxy> {
  const cache = new Map<string, ChannelProxy>();
  return new Proxy(Object.create(null) as Record<string, ChannelProxy>, {
    get(_target, name) {
      if (typeof name !== "string") return undefined;
      let proxy = cache.get(name);
      if (proxy === undefined) {
        proxy = new ChannelProxy(worker, name, seq);
        cache.set(name, proxy);
      }
      return proxy;
    },
  });
}

// ---- abort: the dispatcher broadcasts the sequence number of an aborted message -------------

/** Pool tasks running in this thread (a handful: `concurrentTasksPerThread`). */
const runs = new Set<Run>();
const aborts = new BroadcastChannel(data.abortChannel);
aborts.onmessage = (event) => {
  const seq = (event as { data: number }).data;
  for (const run of runs) run.abort(seq);
};
aborts.unref();

/** The thread worker's `ctx`. */
class ThreadContext implements ThreadWorkerContext {
  readonly worker: { name: string; kind: "command" | "ticker"; dispatch: "thread"; in?: string };
  readonly headers: Readonly<Record<string, string>>;
  readonly #seq: number;
  #channels: Record<string, ChannelProxy> | undefined = undefined;
  #controller: AbortController | undefined;
  #aborted = false;

  constructor(
    info: ThreadContext["worker"],
    headers: Readonly<Record<string, string>>,
    seq: number,
  ) {
    this.worker = info;
    this.headers = headers;
    this.#seq = seq;
  }

  // Built on first use: most functions never look at it.
  get channels(): Record<string, ChannelProxy> {
    this.#channels ??= channelsFor(this.worker.name, this.#seq);
    return this.#channels;
  }

  // Created on first use: most functions never look at it.
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(abortReason());
    }
    return this.#controller.signal;
  }

  abort(): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#controller?.abort(abortReason());
  }
}

function abortReason(): Error {
  const error = new Error("the message was aborted (request timeout or stop deadline)");
  error.name = "AbortError";
  return error;
}

// ---- modules --------------------------------------------------------------------------------

interface LoadedWorker {
  readonly fn: WorkerFunction;
  readonly info: ThreadContext["worker"];
}

const modules = new Map<string, Promise<Record<string, unknown>>>();
const workers = new Map<string, LoadedWorker>();
let around: Around | undefined;
let shutdownHook: (() => unknown) | undefined;
let setupDone: Promise<void> | undefined;
let setupReady = false;

function importModule(url: string): Promise<Record<string, unknown>> {
  let loading = modules.get(url);
  if (loading === undefined) {
    loading = (import(url) as Promise<Record<string, unknown>>).catch((error: unknown) => {
      // A syntax error says where it is (file, line, column) on top of its stack.
      decorateSyntaxError(error);
      throw error;
    });
    modules.set(url, loading);
    // A failed import is retried on the next use rather than cached.
    loading.catch(() => modules.delete(url));
  }
  return loading;
}

async function resolveFunction(url: string, exportName: string): Promise<WorkerFunction> {
  const mod = await importModule(url);
  const fn = mod[exportName];
  if (typeof fn !== "function") {
    const names = Object.keys(mod).join(", ") || "none";
    throw new TypeError(
      `export "${exportName}" of ${url} is not a function (found ${typeof fn}; exports: ${names})`,
    );
  }
  return fn as WorkerFunction;
}

function setup(): Promise<void> {
  if (setupDone === undefined) {
    const spec = data.setup;
    setupDone =
      spec === null
        ? Promise.resolve()
        : importModule(spec.includes("://") ? spec : pathToFileURL(spec).href).then((mod) => {
            if (typeof mod.around === "function") around = mod.around as Around;
            if (typeof mod.shutdown === "function") {
              shutdownHook = mod.shutdown as () => unknown;
            }
          });
    void setupDone.then(() => {
      setupReady = true;
    });
  }
  return setupDone;
}

function workerKey(w: WireWorker): string {
  return `${w[0]}\0${w[3]}#${w[4]}`;
}

async function loadWorker(w: WireWorker): Promise<LoadedWorker> {
  const key = workerKey(w);
  const found = workers.get(key);
  if (found !== undefined) return found;
  const fn = await resolveFunction(w[3], w[4]);
  const info: ThreadContext["worker"] =
    w[2] === null
      ? { name: w[0], kind: w[1], dispatch: "thread" }
      : { name: w[0], kind: w[1], dispatch: "thread", in: w[2] };
  const loaded: LoadedWorker = { fn, info };
  workers.set(key, loaded);
  return loaded;
}

const noHeaders: Readonly<Record<string, string>> = Object.freeze({});

// ---- running a pool task --------------------------------------------------------------------

/**
 * One pool task: its messages' outcomes, gathered column by column (a status array only once
 * a message did not return a value), and the ctx of each running message, for aborts. What
 * is the same for every message of the task is read from the payload once.
 */
class Run {
  readonly n: number;
  /** Sequence number of message 0 (message `k` is `first + k`). */
  readonly first: number;
  /** Messages `0 .. tracked - 1` have a slot. */
  readonly tracked: number;
  readonly bodies: readonly unknown[];
  readonly headers: RunPayload["h"];
  readonly workerIndex: Uint8Array | null;
  readonly ids: readonly string[] | null;
  /** Whether a worker of the task failed to load (then its messages fail). */
  readonly failures: boolean;
  statuses: Uint8Array | null = null;
  readonly values: unknown[];
  /**
   * The ctx of each message while it waits on a promise: what an abort of its sequence number
   * reaches. A message that returns synchronously is not listed: an abort arrives by message,
   * between turns of the event loop, so it can only ever find a message that awaits.
   */
  running: (ThreadContext | undefined)[] | undefined = undefined;
  transfers: Transferable[] | undefined;
  constructor(
    payload: RunPayload,
    readonly loaded: readonly (LoadedWorker | LoadFailure)[],
  ) {
    const n = payload.b.length;
    this.n = n;
    this.first = payload.q;
    this.tracked = payload.t;
    this.bodies = payload.b;
    this.headers = payload.h;
    this.workerIndex = payload.wi;
    this.ids = payload.m;
    this.failures = loaded.some((l) => l instanceof LoadFailure);
    // Packed, so that it crosses back as a dense array (see protocol.ts).
    this.values = packed(n, undefined);
  }

  ok(k: number, value: unknown): void {
    if (this.running !== undefined) this.running[k] = undefined;
    this.values[k] = value;
    const list = transferList(value);
    if (list !== undefined) (this.transfers ??= []).push(...list);
  }

  fail(k: number, thrown: unknown): void {
    if (this.running !== undefined) this.running[k] = undefined;
    (this.statuses ??= new Uint8Array(this.n))[k] = ERROR;
    this.values[k] = encodeThrown(thrown);
  }

  abort(seq: number): void {
    const k = seq - this.first;
    if (k >= 0 && k < this.n) this.running?.[k]?.abort();
  }

  /** Runs message `k`; returns a promise only when the function's result is one. */
  item(k: number): Promise<void> | undefined {
    const entry = this.loaded[this.workerIndex === null ? 0 : (this.workerIndex[k] as number)] as
      | LoadedWorker
      | LoadFailure;
    // `instanceof` once a task (`failures`), not once a message.
    if (this.failures && entry instanceof LoadFailure) {
      this.fail(k, entry.error);
      return undefined;
    }
    const loaded = entry as LoadedWorker;
    const seq = this.first + k;
    const headers =
      this.headers === null
        ? noHeaders
        : ((this.headers[k] || noHeaders) as Readonly<Record<string, string>>);
    if (
      k < this.tracked &&
      Atomics.compareExchange(slots, slotOfSeq(seq), POSTED, threadId) === ABORTED
    ) {
      (this.statuses ??= new Uint8Array(this.n))[k] = SKIPPED;
      return undefined;
    }
    const ctx = new ThreadContext(loaded.info, headers, seq);
    const body = this.bodies[k];
    let result: unknown;
    try {
      result =
        around === undefined
          ? loaded.fn(ctx, body)
          : around(
              {
                workerId: loaded.info.name,
                channel: loaded.info.in,
                dispatch: "thread",
                messageId: this.ids?.[k] ?? "",
              },
              headers,
              () => loaded.fn(ctx, body),
            );
    } catch (error) {
      this.fail(k, error);
      return undefined;
    }
    if (isThenable(result)) {
      // Listed before any turn of the event loop, so an abort of a started message finds it.
      (this.running ??= new Array(this.n))[k] = ctx;
      return Promise.resolve(result as PromiseLike<unknown>).then(
        (value) => this.ok(k, value),
        (error: unknown) => this.fail(k, error),
      );
    }
    this.ok(k, result);
    return undefined;
  }

  /** Runs messages `from .. to - 1` in order; a promise only once one of them returns one. */
  group(from: number, to: number): Promise<void> | undefined {
    for (let k = from; k < to; k++) {
      const pending = this.item(k);
      if (pending !== undefined) return pending.then(() => this.group(k + 1, to));
    }
    return undefined;
  }

  result(ms: number): unknown {
    const out: RunResult = [this.statuses, this.values, ms];
    if (this.transfers === undefined) return out;
    return Piscina.move({
      [Piscina.transferableSymbol]: this.transfers,
      [Piscina.valueSymbol]: out,
    } as never);
  }
}

/** A `then` getter that throws counts as a thenable: `Promise.resolve` turns its throw into a rejection. */
function isThenable(value: unknown): boolean {
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return false;
  try {
    return typeof (value as PromiseLike<unknown>).then === "function";
  } catch {
    return true;
  }
}

class LoadFailure {
  constructor(readonly error: unknown) {}
}

/**
 * Runs a pool task. Synchronous when every message is (the common case of a batch): no
 * promise a task, the result goes straight back to piscina.
 */
function run(payload: RunPayload): unknown {
  if (!setupReady) return setup().then(() => runLoaded(payload));
  return runLoaded(payload);
}

function runLoaded(payload: RunPayload): unknown {
  const loaded: (LoadedWorker | LoadFailure)[] = [];
  for (const w of payload.w) {
    const found = workers.get(workerKey(w));
    if (found === undefined) return loadAll(payload.w).then((all) => execute(payload, all));
    loaded.push(found);
  }
  return execute(payload, loaded);
}

async function loadAll(list: readonly WireWorker[]): Promise<(LoadedWorker | LoadFailure)[]> {
  const loaded: (LoadedWorker | LoadFailure)[] = [];
  for (const w of list) {
    loaded.push(await loadWorker(w).catch((error: unknown) => new LoadFailure(error)));
  }
  return loaded;
}

function execute(payload: RunPayload, loaded: readonly (LoadedWorker | LoadFailure)[]): unknown {
  const started = performance.now();
  const job = new Run(payload, loaded);
  runs.add(job);
  let pending: Promise<void>[] | undefined;
  try {
    if (payload.g === null) {
      for (let k = 0; k < job.n; k++) {
        const p = job.item(k);
        if (p !== undefined) (pending ??= []).push(p);
      }
    } else {
      let from = 0;
      for (const size of payload.g) {
        const p = job.group(from, from + size);
        if (p !== undefined) (pending ??= []).push(p);
        from += size;
      }
    }
  } catch (error) {
    runs.delete(job);
    throw error;
  }
  if (pending === undefined) {
    runs.delete(job);
    return job.result(performance.now() - started);
  }
  return Promise.all(pending).then(
    () => {
      runs.delete(job);
      return job.result(performance.now() - started);
    },
    (error: unknown) => {
      runs.delete(job);
      throw error;
    },
  );
}

/**
 * At stop, before the pool ends this thread: the setup module's `shutdown()`, once the module
 * loaded (a thread that never imported it has nothing to flush). The main thread bounds the
 * wait.
 */
async function shutdown(): Promise<ShutdownReply> {
  // A setup module that failed to load was reported then, and has no hook to call.
  const loaded =
    setupDone !== undefined &&
    (await setupDone.then(
      () => true,
      () => false,
    ));
  try {
    if (loaded && shutdownHook !== undefined) await shutdownHook();
    return { [SHUTDOWN_MARK]: true };
  } catch (error) {
    return { [SHUTDOWN_MARK]: true, err: encodeThrown(error) };
  }
}

async function load(payload: LoadPayload): Promise<LoadResult> {
  const out: (WireThrown | null)[] = [];
  try {
    await setup();
  } catch (error) {
    return { setup: encodeThrown(error) };
  }
  for (const [url, exportName] of payload.l) {
    try {
      await resolveFunction(url, exportName);
      out.push(null);
    } catch (error) {
      out.push(encodeThrown(error));
    }
  }
  return out;
}

/** The pool task handler (internal): runs messages or checks modules. */
export function handleTask(payload: RunPayload | LoadPayload): unknown {
  return "l" in payload ? load(payload) : run(payload);
}
