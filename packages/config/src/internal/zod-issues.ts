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
];
export const BATCH_KEYS: readonly string[] = ["size", "maxWaitMs"];

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
        const allowed = rel.length === 0 ? entryKeys : rel.at(-1) === "batch" ? BATCH_KEYS : [];
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
      case "too_small":
      case "too_big": {
        if (issue.origin === "string") {
          out.push({ path, code: "invalid-value", message: "must not be empty." });
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
