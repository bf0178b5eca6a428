import { MAX_DELAY_MS } from "./schema.js";
import type { NormalizedDefinition } from "./types.js";

const BUFFER_TYPES: readonly unknown[] = ["fixed", "dropping", "sliding"];
const PUT_MODES: readonly unknown[] = ["async", "block", "drop"];

// Any non-null, non-array object: a copy need not be a plain object.
function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function isCount(value: unknown, min: number): boolean {
  return typeof value === "number" && Number.isInteger(value) && value >= min;
}

// NaN fails both comparisons; fractions pass, as they do in validation.
function isOptionalDelay(value: unknown, min = 0): boolean {
  return (
    value === undefined || (typeof value === "number" && value >= min && value <= MAX_DELAY_MS)
  );
}

/**
 * Whether `value` has the shape of a normalized definition, whether or not it came out of
 * validation: what `parseDefinition` returns, or a copy of it (`{ ...definition }` drops the
 * brand `isNormalizedDefinition` looks for). Every channel has an integer `buffer` >= 0, a
 * `bufferType` and a `putMode`; every worker has its key as `name`, a `kind`, a `dispatch`, a
 * boolean `expose`, an integer `concurrency` >= 1 and only declared (own) channel names; a
 * command worker has an `in` and a `workerFn` function, a thread worker a `workerRef`
 * `{ url, exportName }`; `intervalMs` (>= 1), `initialDelayMs` and `batch.maxWaitMs` are at most
 * 2147483647 ms; `batch.size` is an integer >= 1. Policies, where present: `retry.attempts` is
 * an integer >= 1 and `retry.backoffMs` a non-empty list of delays or `{ initialMs, factor,
 * maxMs, jitter }` (delays 0..2147483647 ms, a finite `factor` >= 1, `jitter` 0..1);
 * `timeoutMs` and `rateLimit.intervalMs` are 1..2147483647 ms, `rateLimit.max` an integer >= 1.
 *
 * It does not check `transport` or `subject`, nor the rules validation applies between fields
 * (see the README's rules). It is stricter than validation in one place: validation takes an
 * `intervalMs` between 0 and 1, which has no shape here. Never throws: a value that throws when
 * read (a revoked proxy, a throwing getter) does not have the shape.
 *
 * @example
 * // Skip validation for a definition that is already normalized, however it was copied.
 * const definition = hasNormalizedShape(input) ? input : await parseDefinition(input);
 */
export function hasNormalizedShape(value: unknown): value is NormalizedDefinition {
  try {
    return check(value);
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
  // Own keys only: "toString" is not a channel of `{}`.
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
      !isOptionalDelay(w.intervalMs, 1) ||
      !isOptionalDelay(w.initialDelayMs) ||
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
      (!isRecord(batch) || !isCount(batch.size, 1) || !isOptionalDelay(batch.maxWaitMs))
    ) {
      return false;
    }
    if (!isPolicies(w)) return false;
  }
  return true;
}

// The policies of a command worker; absent keys pass. Validation refuses them on tickers (a rule
// between fields), so the shape does not look at the kind.
function isPolicies(w: Record<string, unknown>): boolean {
  const { retry, rateLimit } = w;
  if (retry !== undefined) {
    if (!isRecord(retry) || !isCount(retry.attempts, 1) || !isBackoff(retry.backoffMs)) {
      return false;
    }
  }
  if (
    rateLimit !== undefined &&
    (!isRecord(rateLimit) || !isCount(rateLimit.max, 1) || !isDelay(rateLimit.intervalMs, 1))
  ) {
    return false;
  }
  return w.timeoutMs === undefined || isDelay(w.timeoutMs, 1);
}

function isDelay(value: unknown, min = 0): boolean {
  return value !== undefined && isOptionalDelay(value, min);
}

// A list of one delay or more, or the exponential form with every field filled in.
function isBackoff(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0 && value.every((d) => isDelay(d));
  return (
    isRecord(value) &&
    isDelay(value.initialMs) &&
    typeof value.factor === "number" &&
    value.factor >= 1 &&
    Number.isFinite(value.factor) &&
    isDelay(value.maxMs) &&
    typeof value.jitter === "number" &&
    value.jitter >= 0 &&
    value.jitter <= 1
  );
}
