import type { NormalizedDefinition } from "@workers/config";
import { MAX_TIMER_MS } from "./arguments.js";

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

const BUFFER_TYPES: readonly unknown[] = ["fixed", "dropping", "sliding"];
const PUT_MODES: readonly unknown[] = ["async", "block", "drop"];

function isCount(value: unknown, min: number): boolean {
  return typeof value === "number" && Number.isInteger(value) && value >= min;
}

function isOptionalDuration(value: unknown, min = 0): boolean {
  return (
    value === undefined || (typeof value === "number" && value >= min && value <= MAX_TIMER_MS)
  );
}

/**
 * Whether `definition` is already normalized (what `parseDefinition` returns, or a copy of it):
 * every channel with a valid buffer, buffer type and put mode, every worker with its name,
 * kind, dispatch, expose and concurrency, channel names that exist, a resolved function for
 * command workers and a module reference for thread workers. Anything else, including a value
 * that throws when read, goes through validation, which reports each problem with a code.
 */
export function isNormalized(definition: unknown): definition is NormalizedDefinition {
  try {
    return check(definition);
  } catch {
    return false;
  }
}

function check(definition: unknown): boolean {
  if (!isRecord(definition) || !isRecord(definition.channels) || !isRecord(definition.workers)) {
    return false;
  }
  const channels = definition.channels;
  for (const ch of Object.values(channels)) {
    if (
      !isRecord(ch) ||
      !isCount(ch.buffer, 0) ||
      !BUFFER_TYPES.includes(ch.bufferType) ||
      !PUT_MODES.includes(ch.putMode)
    ) {
      return false;
    }
  }
  const isChannel = (name: unknown): boolean =>
    name === undefined || (typeof name === "string" && Object.hasOwn(channels, name));
  for (const [key, w] of Object.entries(definition.workers)) {
    if (
      !isRecord(w) ||
      w.name !== key ||
      (w.kind !== "command" && w.kind !== "ticker") ||
      (w.dispatch !== "go" && w.dispatch !== "thread") ||
      typeof w.expose !== "boolean" ||
      !isCount(w.concurrency, 1) ||
      !isChannel(w.in) ||
      !isChannel(w.outputChan) ||
      !isChannel(w.failChan) ||
      !isChannel(w.out) ||
      !isOptionalDuration(w.intervalMs, 1) ||
      !isOptionalDuration(w.initialDelayMs) ||
      (w.workerFn !== undefined && typeof w.workerFn !== "function")
    ) {
      return false;
    }
    if (w.kind === "command" && (typeof w.workerFn !== "function" || typeof w.in !== "string")) {
      return false;
    }
    const ref = w.workerRef;
    if (
      ref !== undefined &&
      (!isRecord(ref) || typeof ref.url !== "string" || typeof ref.exportName !== "string")
    ) {
      return false;
    }
    if (w.dispatch === "thread" && ref === undefined) return false;
    const batch = w.batch;
    if (
      batch !== undefined &&
      (!isRecord(batch) || !isCount(batch.size, 1) || !isOptionalDuration(batch.maxWaitMs))
    ) {
      return false;
    }
  }
  return true;
}
