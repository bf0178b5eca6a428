import type { ResolvedFunctionRef } from "../function-ref.js";
import type { ParsedRetry, ParsedWorker } from "../schema.js";
import type { BackoffSchedule, NormalizedWorker } from "../types.js";

/** A parsed worker with the kind-specific defaults filled in and its function resolved. */
export function normalizeWorker(
  name: string,
  w: ParsedWorker,
  resolved: ResolvedFunctionRef | undefined,
): NormalizedWorker {
  const out: NormalizedWorker = {
    name,
    kind: w.kind,
    dispatch: w.dispatch,
    expose: w.kind === "command" && w.expose,
    concurrency: w.concurrency,
  };
  if (w.in !== undefined) out.in = w.in;
  if (resolved !== undefined) {
    out.workerFn = resolved.fn;
    out.workerRef = { url: resolved.url, exportName: resolved.exportName };
  } else if (typeof w.workerFn === "function") {
    out.workerFn = w.workerFn;
  }
  if (w.outputChan !== undefined) out.outputChan = w.outputChan;
  if (w.failChan !== undefined) out.failChan = w.failChan;
  if (w.kind === "ticker") {
    out.intervalMs = w.intervalMs ?? 1000;
    out.initialDelayMs = w.initialDelayMs ?? out.intervalMs;
    if (w.out !== undefined) out.out = w.out;
  }
  if (w.batch !== undefined) out.batch = { size: w.batch.size, maxWaitMs: w.batch.maxWaitMs };
  if (w.retry !== undefined) {
    out.retry = { attempts: w.retry.attempts, backoffMs: normalizeBackoff(w.retry.backoffMs) };
  }
  if (w.timeoutMs !== undefined) out.timeoutMs = w.timeoutMs;
  if (w.rateLimit !== undefined) {
    out.rateLimit = { max: w.rateLimit.max, intervalMs: w.rateLimit.intervalMs };
  }
  return out;
}

/** One shape for the runtime to read: a number becomes a list of one delay. */
function normalizeBackoff(backoff: ParsedRetry["backoffMs"]): BackoffSchedule {
  if (typeof backoff === "number") return [backoff];
  if (Array.isArray(backoff)) return [...backoff];
  const { initialMs, factor, maxMs, jitter } = backoff;
  return { initialMs, factor, maxMs, jitter };
}
