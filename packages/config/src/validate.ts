import type * as z from "zod";
import { ConfigError } from "./errors.js";
import { toBaseUrl } from "./function-ref.js";
import { canonicalize, isPlainObject } from "./internal/aliases.js";
import { normalizeWorker } from "./internal/normalize.js";
import { importableRefs, resolveRefs } from "./internal/references.js";
import { didYouMean } from "./internal/suggest.js";
import { CHANNEL_KEYS, describeValue, fromZodIssues, WORKER_KEYS } from "./internal/zod-issues.js";
import { errorRules, type RuleContext, warningRules } from "./rules.js";
import { channelSchema, type ParsedChannel, type ParsedWorker, workerSchema } from "./schema.js";
import type {
  ConfigIssue,
  NormalizedChannel,
  NormalizedDefinition,
  ValidateOptions,
  ValidationResult,
} from "./types.js";

const NORMALIZED = Symbol.for("@workers/config/normalized");
const ROOT_KEYS = ["$schema", "channels", "workers"];

/**
 * Whether `value` is a definition returned by `validateDefinition`/`parseDefinition`/
 * `loadDefinition` (validating it again returns it unchanged).
 */
export function isNormalizedDefinition(value: unknown): value is NormalizedDefinition {
  return typeof value === "object" && value !== null && Object.hasOwn(value, NORMALIZED);
}

function checkName(section: "channels" | "workers", name: string, issues: ConfigIssue[]): boolean {
  if (name !== "" && name !== "__proto__") return true;
  issues.push({
    path: [section, name],
    code: "invalid-name",
    message: `${JSON.stringify(name)} cannot be a ${section === "channels" ? "channel" : "worker"} name. Rename it.`,
  });
  return false;
}

function isUnknownKeysAtTop(issue: { code: string; path: readonly PropertyKey[] }): boolean {
  return issue.code === "unrecognized_keys" && issue.path.length === 0;
}

function parseSection<T>(
  section: "channels" | "workers",
  raw: unknown,
  schema: z.ZodType<T>,
  keys: readonly string[],
  issues: ConfigIssue[],
): { names: Set<string>; parsed: Map<string, T> } {
  const names = new Set<string>();
  const parsed = new Map<string, T>();
  if (!isPlainObject(raw)) {
    issues.push({
      path: [section],
      code: "invalid-type",
      message: `expected an object mapping ${section === "channels" ? "channel" : "worker"} names to their settings, got ${describeValue(raw)}.`,
    });
    return { names, parsed };
  }
  for (const [name, entry] of Object.entries(raw)) {
    if (!checkName(section, name, issues)) continue;
    names.add(name);
    const result = schema.safeParse(entry);
    if (result.success) {
      parsed.set(name, result.data);
      continue;
    }
    issues.push(...fromZodIssues(result.error.issues, entry, [section, name], keys));
    // An entry whose only fault is unknown keys still goes through the rules and reference
    // resolution without them, so one pass reports its other problems too.
    if (isPlainObject(entry) && result.error.issues.every(isUnknownKeysAtTop)) {
      const known = Object.fromEntries(Object.entries(entry).filter(([k]) => keys.includes(k)));
      const retry = schema.safeParse(known);
      if (retry.success) parsed.set(name, retry.data);
    }
  }
  return { names, parsed };
}

async function validate(
  input: unknown,
  options: ValidateOptions | undefined,
): Promise<ValidationResult> {
  if (isNormalizedDefinition(input)) return { ok: true, definition: input, warnings: [] };
  const canonical = canonicalize(input);
  const issues = [...canonical.issues];
  const root = canonical.value;
  if (!isPlainObject(root)) {
    return {
      ok: false,
      issues: [
        {
          path: [],
          code: "invalid-type",
          message: `expected a definition object { channels, workers }, got ${describeValue(root)}.`,
        },
      ],
    };
  }
  for (const key of Object.keys(root)) {
    if (ROOT_KEYS.includes(key)) continue;
    issues.push({
      path: [key],
      code: "unknown-key",
      message: `unknown key ${JSON.stringify(key)}.${didYouMean(key, ROOT_KEYS)} A definition has "channels" and "workers" (and optionally "$schema").`,
    });
  }
  if (root.$schema !== undefined && typeof root.$schema !== "string") {
    issues.push({
      path: ["$schema"],
      code: "invalid-type",
      message: `expected a string (the JSON Schema URL or path), got ${describeValue(root.$schema)}.`,
    });
  }
  const channels = parseSection<ParsedChannel>(
    "channels",
    // Absent is `{}`; `null` (an empty `channels:` in YAML) is a wrong type, as for `workers`.
    root.channels === undefined ? {} : root.channels,
    channelSchema,
    CHANNEL_KEYS,
    issues,
  );
  let workers: { names: Set<string>; parsed: Map<string, ParsedWorker> };
  if (root.workers === undefined) {
    issues.push({
      path: ["workers"],
      code: "required",
      message: 'a definition needs "workers": an object mapping worker names to workers.',
    });
    workers = { names: new Set(), parsed: new Map() };
  } else {
    workers = parseSection<ParsedWorker>(
      "workers",
      root.workers,
      workerSchema,
      WORKER_KEYS,
      issues,
    );
  }
  const ctx: RuleContext = {
    declaredChannels: channels.names,
    channels: channels.parsed,
    workers: workers.parsed,
  };
  for (const rule of errorRules) issues.push(...rule(ctx));
  const importable = importableRefs(workers.parsed, issues);
  const resolved = await resolveRefs(importable, toBaseUrl(options?.baseUrl), issues);
  const remap = (i: ConfigIssue): ConfigIssue => ({ ...i, path: canonical.original(i.path) });
  if (issues.length > 0) return { ok: false, issues: issues.map(remap) };

  const definition: NormalizedDefinition = { channels: {}, workers: {} };
  for (const [name, c] of channels.parsed) {
    const channel: NormalizedChannel = {
      buffer: c.buffer,
      bufferType: c.bufferType,
      putMode: c.putMode,
    };
    if (c.transport !== undefined) channel.transport = c.transport;
    if (c.subject !== undefined) channel.subject = c.subject;
    definition.channels[name] = channel;
  }
  for (const [name, w] of workers.parsed) {
    definition.workers[name] = normalizeWorker(name, w, resolved.get(name));
  }
  Object.defineProperty(definition, NORMALIZED, { value: true });
  const warnings = warningRules.flatMap((rule) => rule(ctx)).map(remap);
  return { ok: true, definition, warnings };
}

/**
 * Validates a definition (TypeScript object, or parsed JSON/YAML; kebab-case keys accepted) and
 * resolves its function references. Reports every problem at once; never throws for a bad
 * definition.
 *
 * @throws ConfigError `ERR_CONFIG` (code `internal`) only if validation itself fails, e.g. a
 * getter in the input throws.
 * @example
 * const result = await validateDefinition(JSON.parse(text), { baseUrl: fileUrl });
 * if (!result.ok) for (const i of result.issues) console.error(i.path.join("."), i.message);
 */
export async function validateDefinition(
  input: unknown,
  options?: ValidateOptions,
): Promise<ValidationResult> {
  try {
    return await validate(input, options);
  } catch (cause) {
    throw new ConfigError(
      [
        {
          path: [],
          code: "internal",
          message: `the definition could not be validated: ${cause instanceof Error ? cause.message : String(cause)}.`,
          cause,
        },
      ],
      { cause },
    );
  }
}

/**
 * Validates a definition like `validateDefinition` and returns the normalized definition.
 *
 * @throws ConfigError `ERR_CONFIG` listing every issue (`.issues`, each with path and code).
 * @example
 * const definition = await parseDefinition(defineWorkers({ channels, workers }), { baseUrl: import.meta.url });
 */
export async function parseDefinition(
  input: unknown,
  options?: ValidateOptions,
): Promise<NormalizedDefinition> {
  const result = await validateDefinition(input, options);
  if (!result.ok) throw new ConfigError(result.issues);
  return result.definition;
}
