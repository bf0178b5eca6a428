import { FunctionRefError } from "../errors.js";
import { parseFunctionRef, type ResolvedFunctionRef, resolveFunctionRef } from "../function-ref.js";
import type { ParsedWorker } from "../schema.js";
import type { ConfigIssue } from "../types.js";

const REF_CODES = {
  ERR_INVALID_REFERENCE: "invalid-reference",
  ERR_MODULE_NOT_FOUND: "module-not-found",
  ERR_MODULE_LOAD: "module-load-failed",
  ERR_EXPORT_NOT_FOUND: "export-not-found",
  ERR_NOT_A_FUNCTION: "not-a-function",
} as const;

/** Reports references that do not parse; returns the workers whose reference can be imported. */
export function importableRefs(
  workers: ReadonlyMap<string, ParsedWorker>,
  issues: ConfigIssue[],
): Map<string, ParsedWorker> {
  const importable = new Map<string, ParsedWorker>();
  for (const [name, w] of workers) {
    if (typeof w.workerFn !== "string") continue;
    try {
      parseFunctionRef(w.workerFn);
      importable.set(name, w);
    } catch (error) {
      issues.push({
        path: ["workers", name, "workerFn"],
        code: "invalid-reference",
        message: (error as Error).message,
      });
    }
  }
  return importable;
}

type RefOutcome =
  | { ok: true; resolved: ResolvedFunctionRef }
  | { ok: false; error: FunctionRefError };

/**
 * Imports every worker's reference (each distinct reference once, all concurrently) and reports
 * the failures as issues at the worker's `workerFn`, with the import error as `cause`.
 */
export async function resolveRefs(
  workers: ReadonlyMap<string, ParsedWorker>,
  baseUrl: string,
  issues: ConfigIssue[],
): Promise<Map<string, ResolvedFunctionRef>> {
  const byRef = new Map<string, Promise<RefOutcome>>();
  const pending: [string, string, Promise<RefOutcome>][] = [];
  for (const [name, w] of workers) {
    if (typeof w.workerFn !== "string") continue;
    const ref = w.workerFn;
    let outcome = byRef.get(ref);
    if (outcome === undefined) {
      outcome = resolveFunctionRef(ref, baseUrl).then(
        (resolved): RefOutcome => ({ ok: true, resolved }),
        (error: unknown): RefOutcome => {
          if (error instanceof FunctionRefError) return { ok: false, error };
          const wrapped = new FunctionRefError("ERR_MODULE_LOAD", ref, String(error), {
            cause: error,
          });
          return { ok: false, error: wrapped };
        },
      );
      byRef.set(ref, outcome);
    }
    pending.push([name, ref, outcome]);
  }
  const resolved = new Map<string, ResolvedFunctionRef>();
  for (const [name, , promise] of pending) {
    const outcome = await promise;
    if (outcome.ok) {
      resolved.set(name, outcome.resolved);
      continue;
    }
    const { error } = outcome;
    const issue: ConfigIssue = {
      path: ["workers", name, "workerFn"],
      code: REF_CODES[error.code],
      message: error.message,
    };
    if (error.cause !== undefined) issue.cause = error.cause;
    issues.push(issue);
  }
  return resolved;
}
