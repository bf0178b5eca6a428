// The published JSON Schema (`@workers/config/schema.json`), generated from the zod schema at
// build time by scripts/generate-schema.ts; a test keeps the committed file in sync.
//
// The zod schema describes the canonical (camelCase) form; the loader also accepts d-core's EDN
// spellings (aliases.ts). So that an editor never flags what the loader accepts, the generated
// schema is extended from the same alias tables: kebab-case keys (after the camelCase ones, so
// completion offers camelCase first), `:keyword` enum values, and `:name` entry names. Then the
// shape rules of rules.ts that JSON Schema can state are added, so an editor flags what the
// loader rejects: per-kind keys, zero-size dropping/sliding buffers, a key in two spellings,
// malformed references. Cross-references (undeclared channels, `x` beside `:x`) and module
// imports are beyond JSON Schema and left to `validateDefinition`.
import * as z from "zod";
import { definitionSchema, workerFnSchema } from "../schema.js";
import {
  BACKOFF_ALIASES,
  BATCH_ALIASES,
  CHANNEL_ALIASES,
  KEYWORD_KEYS,
  RATE_LIMIT_ALIASES,
  RETRY_ALIASES,
  WORKER_ALIASES,
} from "./aliases.js";

type JsonObject = Record<string, unknown>;
type JsonSchema = JsonObject | boolean;

const KEYWORD = ":";

/**
 * What `parseFunctionRef` accepts, as a regular expression: with no `#` after the first
 * character, the whole string is the specifier (not blank, not `"#"`); otherwise the last `#`
 * splits a non-blank specifier other than `"#"` from a non-blank export name.
 */
export const FUNCTION_REF_PATTERN: string =
  "^(?:(?!#$)(?:#[^#]*|[^#]*[^\\s#][^#]*)|(?!##[^#]*$)\\s*\\S[\\s\\S]*#[^#]*[^\\s#][^#]*)$";

/** Names `checkName` refuses (`""` aside), also written `:name` (read as `name`). */
const INVALID_NAMES = ["__proto__", `${KEYWORD}__proto__`];

/** Every spelling of a canonical key: itself first, then its aliases. */
function spellings(key: string, aliases: Readonly<Record<string, string>>): string[] {
  return [key, ...Object.keys(aliases).filter((alias) => aliases[alias] === key)];
}

/** The values of an enum with their `:keyword` spellings after them. */
function withKeywords(values: readonly string[]): string[] {
  return [...values, ...values.map((v) => `${KEYWORD}${v}`)];
}

function propertiesOf(entry: JsonObject): Record<string, JsonObject> {
  return entry.properties as Record<string, JsonObject>;
}

/**
 * Extends an entry's schema with what the loader reads before validating: `:value` spellings of
 * keyword enums, the kebab-case aliases (after the camelCase keys), a rule that a key is not
 * written in two spellings (the loader's `duplicate-key`), and required keys in any spelling.
 */
function addSpellings(entry: JsonObject, aliases: Readonly<Record<string, string>>): JsonObject[] {
  const properties = propertiesOf(entry);
  for (const [key, property] of Object.entries(properties)) {
    if (KEYWORD_KEYS.has(key) && Array.isArray(property.enum)) {
      property.enum = withKeywords(property.enum as string[]);
    }
  }
  const rules: JsonObject[] = [];
  for (const [alias, key] of Object.entries(aliases)) {
    const target = properties[key];
    if (target === undefined) continue;
    const { default: _default, description, ...rest } = target;
    properties[alias] = {
      ...rest,
      description: `Same as "${key}" (d-core's EDN spelling). ${String(description ?? "")}`.trim(),
    };
    rules.push({
      description: `"${key}" and "${alias}" are the same key: write one of them.`,
      if: { required: [alias] },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword
      then: { properties: { [key]: false } },
    });
  }
  // A required key is present in any of its spellings (`interval-ms` for `intervalMs`).
  if (Array.isArray(entry.required)) {
    const required = entry.required as string[];
    const plain = required.filter((key) => spellings(key, aliases).length === 1);
    for (const key of required) {
      if (!plain.includes(key)) rules.push(requires(key, aliases));
    }
    if (plain.length > 0) entry.required = plain;
    else delete entry.required;
  }
  return rules;
}

/** Matches an entry whose `key` (in any spelling) is one of `values` (in any spelling). */
function oneOfValues(
  key: string,
  values: readonly string[],
  aliases: Readonly<Record<string, string>> = {},
): JsonObject {
  const anyOf = spellings(key, aliases).map((k) => ({
    properties: { [k]: { enum: withKeywords(values) } },
    required: [k],
  }));
  return anyOf.length === 1 ? (anyOf[0] as JsonObject) : { anyOf };
}

/** Requires `key` in one of its spellings. */
function requires(key: string, aliases: Readonly<Record<string, string>>): JsonObject {
  const anyOf = spellings(key, aliases).map((k) => ({ required: [k] }));
  return anyOf.length === 1 ? (anyOf[0] as JsonObject) : { anyOf };
}

/** Constrains `key` in each of its spellings to `schema` (`false`: the key is not allowed). */
function constrains(
  keys: readonly string[],
  aliases: Readonly<Record<string, string>>,
  schema: JsonSchema,
): Record<string, JsonSchema> {
  return Object.fromEntries(keys.flatMap((k) => spellings(k, aliases)).map((k) => [k, schema]));
}

function when(description: string, condition: JsonObject, then: JsonObject): JsonObject {
  return { description, if: condition, then };
}

/** The rules of rules.ts that are about one channel and JSON Schema can state. */
function channelRules(): JsonObject[] {
  return [
    when(
      "A dropping or sliding buffer needs buffer >= 1 (zero-size-buffer).",
      oneOfValues("bufferType", ["dropping", "sliding"], CHANNEL_ALIASES),
      { required: ["buffer"], properties: { buffer: { type: "integer", minimum: 1 } } },
    ),
  ];
}

/** The rules of rules.ts that are about one worker and JSON Schema can state. */
function workerRules(): JsonObject[] {
  const w = WORKER_ALIASES;
  const command = oneOfValues("kind", ["command"]);
  const ticker = oneOfValues("kind", ["ticker"]);
  return [
    when(
      "A command worker needs `in` and `workerFn`; `intervalMs`, `initialDelayMs` and `out` are ticker keys (ticker-only-key).",
      command,
      {
        required: ["in"],
        ...requires("workerFn", w),
        properties: constrains(["intervalMs", "initialDelayMs", "out"], w, false),
      },
    ),
    when(
      "A ticker has no `in`, `batch`, `retry`, `timeoutMs`, `rateLimit` or `concurrency` > 1 (command-only-key) and cannot be exposed (expose-on-ticker).",
      ticker,
      {
        properties: {
          ...constrains(["in", "batch", "retry", "timeoutMs", "rateLimit"], w, false),
          ...constrains(["expose"], w, { const: false }),
          concurrency: { type: "integer", maximum: 1 },
        },
      },
    ),
    when(
      'A ticker with dispatch "thread" needs a `workerFn` reference (thread-needs-reference).',
      { allOf: [ticker, oneOfValues("dispatch", ["thread"])] },
      requires("workerFn", w),
    ),
    when(
      'batch applies to command workers with dispatch "thread" (batch-needs-thread).',
      { allOf: [command, { required: ["batch"] }] },
      oneOfValues("dispatch", ["thread"]),
    ),
  ];
}

/** Entry names as the loader reads them: not empty, not `__proto__` (also as `:__proto__`). */
function entryNames(kind: "channel" | "worker"): JsonObject {
  return {
    type: "string",
    minLength: 1,
    not: { enum: INVALID_NAMES },
    description: `A ${kind} name; \`:name\` (d-core's keyword spelling) is read as \`name\`.`,
  };
}

/**
 * The definition's JSON Schema (draft 2020-12): descriptions, defaults, the spellings the loader
 * accepts (kebab-case keys, `:keyword` values and names) and the shape rules JSON Schema can
 * express.
 */
export function buildJsonSchema(): JsonObject {
  const schema = z.toJSONSchema(definitionSchema, {
    io: "input",
    unrepresentable: "any",
    override(ctx) {
      if ((ctx.zodSchema as unknown) !== workerFnSchema) return;
      // A function cannot be written in JSON/YAML: only the reference form is described.
      ctx.jsonSchema.type = "string";
      ctx.jsonSchema.minLength = 1;
      ctx.jsonSchema.pattern = FUNCTION_REF_PATTERN;
      ctx.jsonSchema.examples = ["./workers.js#resize", "./workers.js", "my-lib/workers#download"];
    },
  }) as JsonObject;
  const sections = schema.properties as Record<string, JsonObject>;
  const channels = sections.channels as JsonObject;
  const workers = sections.workers as JsonObject;
  const channel = channels.additionalProperties as JsonObject;
  const worker = workers.additionalProperties as JsonObject;
  const { batch, retry, rateLimit } = propertiesOf(worker) as Record<string, JsonObject>;
  const backoff = propertiesOf(retry as JsonObject).backoffMs as JsonObject;
  const exponential = (backoff.anyOf as JsonObject[]).find((o) => o.type === "object");

  channels.propertyNames = entryNames("channel");
  workers.propertyNames = entryNames("worker");
  channel.allOf = [...addSpellings(channel, CHANNEL_ALIASES), ...channelRules()];
  // Nested entries first: a worker's alias (`rate-limit`) copies its property by reference.
  const nested: [JsonObject | undefined, Readonly<Record<string, string>>][] = [
    [batch, BATCH_ALIASES],
    [retry, RETRY_ALIASES],
    [exponential, BACKOFF_ALIASES],
    [rateLimit, RATE_LIMIT_ALIASES],
  ];
  for (const [entry, aliases] of nested) {
    if (entry === undefined) throw new Error("json-schema: a nested entry is missing");
    const rules = addSpellings(entry, aliases);
    if (rules.length > 0) entry.allOf = rules;
  }
  worker.allOf = [...addSpellings(worker, WORKER_ALIASES), ...workerRules()];
  return { ...schema, title: "@workers/config definition" };
}
