import type { NormalizedDefinition } from "@workers/config";

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * Whether `definition` is already normalized (what `parseDefinition` returns): every channel
 * with its buffer, buffer type and put mode, every worker with its name, dispatch, expose,
 * concurrency and, for command workers, a resolved function. Anything else is validated.
 */
export function isNormalized(definition: unknown): definition is NormalizedDefinition {
  if (!isRecord(definition) || !isRecord(definition.channels) || !isRecord(definition.workers)) {
    return false;
  }
  for (const ch of Object.values(definition.channels)) {
    if (
      !isRecord(ch) ||
      typeof ch.buffer !== "number" ||
      typeof ch.bufferType !== "string" ||
      typeof ch.putMode !== "string"
    ) {
      return false;
    }
  }
  for (const [key, w] of Object.entries(definition.workers)) {
    if (
      !isRecord(w) ||
      w.name !== key ||
      (w.kind !== "command" && w.kind !== "ticker") ||
      (w.dispatch !== "go" && w.dispatch !== "thread") ||
      typeof w.expose !== "boolean" ||
      typeof w.concurrency !== "number"
    ) {
      return false;
    }
    if (w.kind === "command" && (typeof w.workerFn !== "function" || typeof w.in !== "string")) {
      return false;
    }
  }
  return true;
}
