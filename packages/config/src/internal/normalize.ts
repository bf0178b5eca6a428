import type { ResolvedFunctionRef } from "../function-ref.js";
import type { ParsedWorker } from "../schema.js";
import type { NormalizedWorker } from "../types.js";

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
  return out;
}
