import type * as z from "zod";
import type { ConfigIssue } from "../types.js";
import { didYouMean } from "./suggest.js";

export const CHANNEL_KEYS: readonly string[] = [
  "buffer",
  "bufferType",
  "putMode",
  "transport",
  "subject",
];
export const WORKER_KEYS: readonly string[] = [
  "kind",
  "in",
  "workerFn",
  "dispatch",
  "expose",
  "outputChan",
  "failChan",
  "concurrency",
  "intervalMs",
  "initialDelayMs",
  "out",
  "batch",
  "retry",
  "timeoutMs",
  "rateLimit",
];
export const BATCH_KEYS: readonly string[] = ["size", "maxWaitMs"];
export const RETRY_KEYS: readonly string[] = ["attempts", "backoffMs"];
export const BACKOFF_KEYS: readonly string[] = ["initialMs", "factor", "maxMs", "jitter"];
export const RATE_LIMIT_KEYS: readonly string[] = ["max", "intervalMs"];

/** The keys of an object below an entry, by the (canonical) key that holds it. */
const NESTED_KEYS: Readonly<Record<string, readonly string[]>> = {
  batch: BATCH_KEYS,
  retry: RETRY_KEYS,
  backoffMs: BACKOFF_KEYS,
  rateLimit: RATE_LIMIT_KEYS,
};

function nestedKeys(path: readonly (string | number)[]): readonly string[] {
  const holder = path.at(-1);
  return typeof holder === "string" && Object.hasOwn(NESTED_KEYS, holder)
    ? (NESTED_KEYS[holder] as readonly string[])
    : [];
}

/** An option of a union that failed on the value's type itself (not on something inside it). */
function isTypeMismatch(issues: readonly z.core.$ZodIssue[]): boolean {
  return issues.every((i) => i.code === "invalid_type" && i.path.length === 0);
}

export function describeValue(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "string")
    return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v)}`;
  if (typeof v === "number" || typeof v === "boolean") return `${typeof v} ${String(v)}`;
  if (typeof v === "function") return "a function";
  return typeof v === "object" ? "an object" : typeof v;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const seg of path) {
    if (typeof v !== "object" || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[seg];
  }
  return v;
}

function expected(name: string): string {
  switch (name) {
    case "int":
      return "an integer";
    case "object":
      return "an object";
    case "array":
      return "an array";
    default:
      return `a ${name}`;
  }
}

/**
 * Turns zod's issues for one entry (a channel, a worker or the root) into ConfigIssues with
 * stable codes and fix hints. `prefix` is the entry's path; `entryKeys` the keys allowed at its
 * top level (for "did you mean").
 */
export function fromZodIssues(
  issues: readonly z.core.$ZodIssue[],
  input: unknown,
  prefix: readonly (string | number)[],
  entryKeys: readonly string[],
): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of issues) {
    const rel = issue.path.filter((p): p is string | number => typeof p !== "symbol");
    const path = [...prefix, ...rel];
    const value = valueAt(input, issue.path);
    switch (issue.code) {
      case "unrecognized_keys": {
        const allowed = rel.length === 0 ? entryKeys : nestedKeys(rel);
        for (const key of issue.keys) {
          out.push({
            path: [...path, key],
            code: "unknown-key",
            message: `unknown key ${JSON.stringify(key)}.${didYouMean(key, allowed)} Allowed keys: ${allowed.join(", ")}.`,
          });
        }
        break;
      }
      case "invalid_type":
        if (value === undefined) {
          out.push({
            path,
            code: "required",
            message: `is required: expected ${expected(issue.expected)}.`,
          });
        } else {
          out.push({
            path,
            code: "invalid-type",
            message: `expected ${expected(issue.expected)}, got ${describeValue(value)}.`,
          });
        }
        break;
      case "invalid_value": {
        if (value === undefined) {
          out.push({
            path,
            code: "required",
            message: `is required: one of ${issue.values.map((a) => JSON.stringify(a)).join(", ")}.`,
          });
          break;
        }
        const allowed = issue.values.map(String);
        const got = typeof value === "string" ? didYouMean(value, allowed) : "";
        out.push({
          path,
          code: "invalid-value",
          message: `expected one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}, got ${describeValue(value)}.${got}`,
        });
        break;
      }
      case "invalid_union": {
        // A value of one option's type (a list for `backoffMs`) is reported as that option
        // reports it; a value of no option's type is one wrong-type issue naming them all.
        const matching = issue.errors.filter((option) => !isTypeMismatch(option));
        if (matching.length === 1) {
          const inner = (matching[0] as z.core.$ZodIssue[]).map((i) => ({
            ...i,
            path: [...issue.path, ...i.path],
          }));
          out.push(...fromZodIssues(inner, input, prefix, entryKeys));
          break;
        }
        const names = issue.errors.flatMap((option) =>
          option.map((i) => (i.code === "invalid_type" ? expected(i.expected) : undefined)),
        );
        const types = [...new Set(names.filter((n): n is string => n !== undefined))];
        out.push({
          path,
          code: "invalid-type",
          message: `expected ${types.length > 1 ? `${types.slice(0, -1).join(", ")} or ${types.at(-1)}` : (types[0] ?? "another value")}, got ${describeValue(value)}.`,
        });
        break;
      }
      case "too_small":
      case "too_big": {
        if (issue.origin === "string") {
          out.push({ path, code: "invalid-value", message: "must not be empty." });
          break;
        }
        if (issue.origin === "array") {
          out.push({
            path,
            code: "invalid-value",
            message: `must not be empty.${rel.at(-1) === "backoffMs" ? " Write at least one delay, or a single number." : ""}`,
          });
          break;
        }
        const bound = issue.code === "too_small" ? issue.minimum : issue.maximum;
        const relation =
          issue.code === "too_small"
            ? issue.inclusive
              ? ">="
              : ">"
            : issue.inclusive
              ? "<="
              : "<";
        out.push({
          path,
          code: "out-of-range",
          message: `expected a number ${relation} ${String(bound)}, got ${describeValue(value)}.`,
        });
        break;
      }
      case "custom":
        out.push({
          path,
          code: "invalid-type",
          message: `${issue.message}, got ${describeValue(value)}.`,
        });
        break;
      default:
        out.push({ path, code: "invalid-value", message: `${issue.message}.` });
    }
  }
  return out;
}
