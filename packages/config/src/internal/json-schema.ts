// The published JSON Schema (`@workers/config/schema.json`), generated from the zod schema at
// build time by scripts/generate-schema.ts; a test keeps the committed file in sync.
import * as z from "zod";
import { definitionSchema, workerFnSchema } from "../schema.js";
import { CHANNEL_ALIASES, WORKER_ALIASES } from "./aliases.js";

type JsonObject = Record<string, unknown>;

function addAliases(
  entry: JsonObject | undefined,
  aliases: Readonly<Record<string, string>>,
): void {
  const properties = entry?.properties as Record<string, JsonObject> | undefined;
  if (properties === undefined) return;
  for (const [alias, key] of Object.entries(aliases)) {
    const target = properties[key];
    if (target === undefined) continue;
    const { default: _default, ...rest } = target;
    properties[alias] = {
      ...rest,
      description:
        `Same as "${key}" (d-core's EDN spelling). ${String(target.description ?? "")}`.trim(),
    };
  }
}

/** The definition's JSON Schema (draft 2020-12), with descriptions, defaults and kebab-case aliases. */
export function buildJsonSchema(): JsonObject {
  const schema = z.toJSONSchema(definitionSchema, {
    io: "input",
    unrepresentable: "any",
    override(ctx) {
      if ((ctx.zodSchema as unknown) !== workerFnSchema) return;
      // A function cannot be written in JSON/YAML: only the reference form is described.
      ctx.jsonSchema.type = "string";
      ctx.jsonSchema.minLength = 1;
      ctx.jsonSchema.examples = ["./workers.js#resize", "./workers.js", "my-lib/workers#download"];
    },
  }) as JsonObject;
  const properties = schema.properties as Record<string, JsonObject>;
  addAliases(properties.channels?.additionalProperties as JsonObject | undefined, CHANNEL_ALIASES);
  const worker = properties.workers?.additionalProperties as JsonObject | undefined;
  addAliases(worker, WORKER_ALIASES);
  if (worker !== undefined) {
    // Kind-specific requirements, so editors flag a command worker without `in` or `workerFn`.
    worker.allOf = [
      {
        if: { properties: { kind: { const: "command" } }, required: ["kind"] },
        // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword
        then: {
          required: ["in"],
          anyOf: [{ required: ["workerFn"] }, { required: ["worker-fn"] }],
        },
      },
    ];
  }
  addAliases((worker?.properties as Record<string, JsonObject> | undefined)?.batch, {
    "max-wait-ms": "maxWaitMs",
  });
  return { ...schema, title: "@workers/config definition" };
}
