// The thread dispatcher's pool construction and options, and the helpers its queue and
// outcomes share (internal).

import { resolve as resolvePath } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Piscina } from "piscina";
import { InvalidMessageError } from "../../errors.js";
import type { ThreadDispatcherOptions as SeamOptions, ThreadTask } from "../types.js";
import { threadFlags } from "./loaders.js";
import type { ResolvedThreadOptions } from "./options.js";
import type { ThreadData } from "./protocol.js";
import { transferListOf } from "./transfer.js";
import { type Item, QUEUED } from "./work-items.js";

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
export const COALESCE_MAX = 64;
/**
 * Coalescing aims at pool tasks of about this long (from each worker's measured cost per
 * message): cheap messages travel 64 at a time, 1 ms ones two at a time, so a burst's tail
 * never leaves one thread with a long backlog while another idles.
 */
export const TARGET_TASK_MS = 2;
/** A message whose thread died before it started is retried this many times. */
export const MAX_ATTEMPTS = 3;

/**
 * How many queued messages to coalesce into the next pool task: one until the worker's cost
 * per message is known, then enough for about `TARGET_TASK_MS`, but no more than a fair share
 * of the queue per thread.
 */
export function coalesceLimit(cost: number | undefined, queued: number, threads: number): number {
  return cost === undefined
    ? 1
    : Math.max(
        1,
        Math.min(
          COALESCE_MAX,
          Math.floor(TARGET_TASK_MS / Math.max(cost, 1e-3)),
          Math.ceil(queued / threads),
        ),
      );
}

/** Thread occupancy integrated over time, for `utilization`. */
export class Occupancy {
  readonly #createdAt = performance.now();
  #busySince = this.#createdAt;
  #busy = 0;

  /** Counts the time since the last update with `inFlight` pool tasks (at most `threads` busy). */
  update(now: number, inFlight: number, threads: number): void {
    this.#busy += (now - this.#busySince) * Math.min(inFlight, threads);
    this.#busySince = now;
  }

  /** The share of the pool's thread time spent busy since it was created. */
  utilization(inFlight: number, threads: number): number {
    const now = performance.now();
    this.update(now, inFlight, threads);
    const capacity = (now - this.#createdAt) * threads;
    return capacity <= 0 ? 0 : Math.round((this.#busy / capacity) * 1000) / 1000;
  }
}

// The thread entry beside this file: `.ts` when running from source, `.js` from dist.
const here = import.meta.url;
const entryFile = fileURLToPath(
  new URL(here.endsWith(".ts") ? "./thread-entry.ts" : "./thread-entry.js", here),
);

let dispatcherCount = 0;

/** A name for a new dispatcher's abort broadcast channel, unique in the process. */
export function abortChannelName(): string {
  return `@workers/runtime.abort:${process.pid}:${++dispatcherCount}:${Math.random()}`;
}

/** The piscina pool of a dispatcher, its threads given `data` as `workerData`. */
export function createPool(o: ResolvedThreadOptions, data: ThreadData): Piscina {
  const flags = threadFlags(
    process.execArgv,
    process.env.NODE_OPTIONS,
    o.inheritLoaders,
    o.execArgv,
  );
  return new Piscina({
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
}

function threadEnv(nodeOptions: string): Record<string, string> {
  const env: Record<string, string> = Object.create(null);
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && key !== "NODE_OPTIONS") env[key] = value;
  }
  if (nodeOptions !== "") env.NODE_OPTIONS = nodeOptions;
  return env;
}

export function setupUrl(setup: string | null): string | null {
  if (setup === null) return null;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(setup) || setup.startsWith("data:")) return setup;
  return pathToFileURL(resolvePath(setup)).href;
}

/** Why a task's body and headers cannot be structured-cloned; `undefined` if they can (or are marked for transfer). */
export function cloneErrorOf(task: ThreadTask): unknown {
  if (transferListOf(task.body) !== undefined) return undefined;
  try {
    structuredClone([task.body, task.headers]);
    return undefined;
  } catch (error) {
    return error === undefined ? new TypeError("the message cannot be cloned") : error;
  }
}

export function uncloneable(task: ThreadTask, cause: unknown): InvalidMessageError {
  return new InvalidMessageError(
    `A message for thread worker "${task.worker.name}" cannot be cloned to a thread: ${describe(cause)}`,
    { cause },
  );
}

export function allQueued(unit: readonly Item[]): boolean {
  for (const item of unit) if (item.state !== QUEUED) return false;
  return true;
}

export function isEmpty(headers: object): boolean {
  for (const _ in headers) return false;
  return true;
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
