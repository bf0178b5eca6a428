// Runs inside every pool thread: imports worker modules, builds the thread-side ctx, runs
// messages, and carries channel operations back to the main thread. Loaded by thread-entry.
// The parts: thread-modules (imports), thread-setup (the setup module), thread-context (ctx
// and channel proxies), thread-port (channel operations), thread-aborts (abort broadcasts).

import { type Transferable, threadId, workerData } from "node:worker_threads";
import { Piscina } from "piscina";
import { encodeThrown, type WireThrown } from "./error-codec.js";
import {
  type LoadPayload,
  type LoadResult,
  OUT_ERROR,
  OUT_SKIPPED,
  packed,
  type RunPayload,
  type RunResult,
  SLOT_ABORTED,
  SLOT_POSTED,
  slotOf,
  type ThreadData,
} from "./protocol.js";
import { runs } from "./thread-aborts.js";
import { ThreadContext } from "./thread-context.js";
import {
  type LoadedWorker,
  LoadFailure,
  loadAll,
  loadedWorker,
  resolveFunction,
} from "./thread-modules.js";
import { setup, setupModule } from "./thread-setup.js";
import { transferListOf } from "./transfer.js";

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
const Context = ThreadContext;
const setupState = setupModule;

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
  readonly attempts: Uint32Array | null;
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
    this.attempts = payload.a;
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
    const attempt = this.attempts === null ? 1 : this.attempts[k] || 1;
    const ctx = new Context(loaded.info, headers, seq, attempt);
    const body = this.bodies[k];
    let result: unknown;
    try {
      result =
        setupState.around === undefined
          ? loaded.fn(ctx, body)
          : setupState.around(
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

/**
 * Runs a pool task. Synchronous when every message is (the common case of a batch): no
 * promise a task, the result goes straight back to piscina.
 */
function run(payload: RunPayload): unknown {
  if (!setupState.ready) return setup().then(() => runLoaded(payload));
  return runLoaded(payload);
}

function runLoaded(payload: RunPayload): unknown {
  const loaded: (LoadedWorker | LoadFailure)[] = [];
  for (const w of payload.w) {
    const found = loadedWorker(w);
    if (found === undefined) return loadAll(payload.w).then((all) => execute(payload, all));
    loaded.push(found);
  }
  return execute(payload, loaded);
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
