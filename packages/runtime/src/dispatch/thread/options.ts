import { availableParallelism } from "node:os";
import { ThreadOptionsError } from "../../errors.js";
import { MAX_TIMER_MS } from "../../system/arguments.js";
import type { ThreadOptions } from "../types.js";

/** `ThreadOptions` with the defaults filled in (internal). */
export interface ResolvedThreadOptions {
  readonly min: number;
  readonly max: number;
  readonly idleTimeoutMs: number;
  readonly maxQueue: number;
  readonly concurrentTasksPerThread: number;
  readonly resourceLimits: ThreadOptions["resourceLimits"];
  readonly setup: string | null;
  readonly shutdownTimeoutMs: number;
  readonly execArgv: readonly string[] | undefined;
  readonly inheritLoaders: boolean;
}

/** Default `max`: one thread per core but one (the event loop's), and at least 2. */
export function defaultMaxThreads(cores: number = availableParallelism()): number {
  return Math.max(2, cores - 1);
}

function integer(name: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new ThreadOptionsError(
      `threads.${name}: expected an integer in ${min}..${max}, got ${typeof value === "number" ? value : typeof value}`,
    );
  }
  return value;
}

/**
 * Fills in the defaults:
 * - `max`: cores - 1, at least 2 (2 on a 2-core machine, 63 on 64 cores);
 * - `min`: 1 (threads start on demand up to `max`);
 * - `idleTimeoutMs`: 30 000 (threads above `min` stop after that long idle);
 * - `maxQueue`: 1024 per thread, at least 4096 (messages waiting for a thread);
 * - `concurrentTasksPerThread`: 4 (the next tasks wait in the thread, so it never idles
 *   between tasks; async functions overlap; a task posted to a thread that crashes before
 *   starting it is retried elsewhere);
 * - `shutdownTimeoutMs`: 5000 (the setup module's `shutdown()` at stop);
 * - `execArgv`: none added; `inheritLoaders`: true.
 *
 * @throws ThreadOptionsError (`ERR_THREAD_OPTIONS`) naming the field.
 */
export function resolveThreadOptions(
  options: ThreadOptions = {},
  cores: number = availableParallelism(),
): ResolvedThreadOptions {
  const max = options.max === undefined ? defaultMaxThreads(cores) : integer("max", options.max, 1);
  const min = options.min === undefined ? Math.min(1, max) : integer("min", options.min, 0);
  if (min > max) {
    throw new ThreadOptionsError(`threads.min: expected at most max (${max}), got ${min}`);
  }
  const idleTimeoutMs =
    options.idleTimeoutMs === undefined
      ? 30_000
      : integer("idleTimeoutMs", options.idleTimeoutMs, 0, MAX_TIMER_MS);
  const maxQueue =
    options.maxQueue === undefined
      ? Math.max(4096, 1024 * max)
      : integer("maxQueue", options.maxQueue, 1);
  const concurrentTasksPerThread =
    options.concurrentTasksPerThread === undefined
      ? 4
      : integer("concurrentTasksPerThread", options.concurrentTasksPerThread, 1);
  const shutdownTimeoutMs =
    options.shutdownTimeoutMs === undefined
      ? 5000
      : integer("shutdownTimeoutMs", options.shutdownTimeoutMs, 1, MAX_TIMER_MS);
  const execArgv = options.execArgv;
  if (
    execArgv !== undefined &&
    (!Array.isArray(execArgv) || !execArgv.every((arg) => typeof arg === "string"))
  ) {
    throw new ThreadOptionsError(
      `threads.execArgv: expected an array of strings, got ${describe(execArgv)}`,
    );
  }
  const inheritLoaders = options.inheritLoaders ?? true;
  if (typeof inheritLoaders !== "boolean") {
    throw new ThreadOptionsError(
      `threads.inheritLoaders: expected a boolean, got ${describe(inheritLoaders)}`,
    );
  }
  return {
    min,
    max,
    idleTimeoutMs,
    maxQueue,
    concurrentTasksPerThread,
    resourceLimits: options.resourceLimits,
    setup: options.setup ?? null,
    shutdownTimeoutMs,
    execArgv: execArgv === undefined ? undefined : [...execArgv],
    inheritLoaders,
  };
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return "an array with a non-string entry";
  return value === null ? "null" : typeof value;
}
