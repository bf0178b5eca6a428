// The shipped JSON Schema and the loader agree: every spelling the loader accepts validates
// against schema.json (checked with a real draft 2020-12 validator), and what the loader rejects
// for a reason JSON Schema can state, the schema rejects too. Editors check files with the
// schema, so a disagreement is a red squiggle on a correct file, or none on a wrong one.
import { readFileSync } from "node:fs";
import { Ajv2020, type ErrorObject } from "ajv/dist/2020.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { parseFunctionRef, validateDefinition } from "../src/index.js";
import { FUNCTION_REF_PATTERN } from "../src/internal/json-schema.js";
import type { ConfigIssue } from "../src/types.js";
import {
  applyMutation,
  definitionArb,
  type Entry,
  mutationArb,
  objects,
  pickArb,
  respell,
} from "./definition-arbitraries.js";
import { seedDefinition } from "./fixtures/seed.js";

const root = new URL("../", import.meta.url);
const baseUrl = new URL("./fixtures/", import.meta.url);
const read = (path: string, from: URL = root): string => readFileSync(new URL(path, from), "utf8");

// The committed file is what ships (json-schema.test.ts keeps it equal to the generator's
// output). Every strict check but strictRequired (which cannot see a `required` inside `anyOf`
// refer to the parent's properties) is on, so a user's default Ajv compiles it without warnings.
const schema = JSON.parse(read("schema.json")) as Record<string, unknown>;
const ajv = new Ajv2020({ allErrors: true, strictTypes: true, strictTuples: true });
const check = ajv.compile(schema);

function schemaErrors(input: unknown): ErrorObject[] {
  return check(input) ? [] : [...(check.errors ?? [])];
}

/**
 * Issues JSON Schema cannot state: references between entries, module imports, and two entry
 * names that read the same (`x` and `:x`: JSON Schema cannot compare property names).
 */
const BEYOND_SCHEMA = new Set([
  "undeclared-channel",
  "module-not-found",
  "module-load-failed",
  "export-not-found",
  "not-a-function",
]);
const isNameDuplicate = (i: ConfigIssue): boolean =>
  i.code === "duplicate-key" && i.path.length === 2;
const isBeyondSchema = (i: ConfigIssue): boolean => BEYOND_SCHEMA.has(i.code) || isNameDuplicate(i);

/**
 * The agreement for one input: accepted by the loader -> valid; rejected for a reason the
 * schema can state -> invalid; rejected only for reasons beyond it -> valid, unless an entry was
 * skipped as a duplicate name (the loader does not look inside it, the schema does).
 */
async function expectAgreement(input: unknown): Promise<void> {
  const result = await validateDefinition(input, { baseUrl });
  const errors = schemaErrors(input);
  const shown = JSON.stringify(input);
  if (result.ok) {
    expect(errors, `loader accepts, schema rejects: ${shown}`).toEqual([]);
    return;
  }
  const stated = result.issues.filter((i) => !isBeyondSchema(i));
  if (stated.length > 0) {
    expect(
      errors.length,
      `loader rejects (${stated.map((i) => `${i.path.join(".")}: ${i.code}`).join(", ")}), schema accepts: ${shown}`,
    ).toBeGreaterThan(0);
  } else if (!result.issues.some(isNameDuplicate)) {
    expect(errors, `loader rejects only beyond the schema, schema rejects: ${shown}`).toEqual([]);
  }
}

describe("schema.json against a draft 2020-12 validator", () => {
  it("compiles under Ajv's strict mode", () => {
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(typeof check).toBe("function");
  });

  it.each(["examples/workers.json", "examples/workers.yaml"])("accepts README's %s", (file) => {
    const text = read(file);
    const input = file.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
    expect(schemaErrors(input)).toEqual([]);
  });

  it("accepts README's JSON and YAML code blocks", () => {
    const readme = read("README.md");
    const blocks = [...readme.matchAll(/```(json|yaml)\n([\s\S]*?)```/g)];
    expect(blocks.map((b) => b[1])).toEqual(["json", "yaml"]);
    for (const [, lang, text = ""] of blocks) {
      expect(schemaErrors(lang === "json" ? JSON.parse(text) : parseYaml(text))).toEqual([]);
    }
  });

  it("accepts the seed's definition, as EDN ported to YAML and in camelCase", async () => {
    // Its one problem (workers.image-store.in names an undeclared channel) is a reference
    // between entries, which only validateDefinition sees.
    const yaml = parseYaml(read("seed.yaml", baseUrl)) as { channels: Entry };
    expect(schemaErrors(yaml)).toEqual([]);
    expect(schemaErrors(JSON.parse(JSON.stringify(seedDefinition)))).toEqual([]);
    const loaded = await validateDefinition(yaml, { baseUrl });
    expect(loaded.ok ? [] : loaded.issues.map((i) => i.code)).toEqual(["undeclared-channel"]);

    yaml.channels[":images/store"] = { buffer: 2 };
    expect(schemaErrors(yaml)).toEqual([]);
    expect((await validateDefinition(yaml, { baseUrl })).ok).toBe(true);
  });

  it.each<[string, Entry]>([
    ["keyword enum values", { kind: ":command", in: ":c", workerFn: "./workers.js#commands" }],
    ["kebab-case keys", { kind: "command", in: "c", "worker-fn": "./workers.js", "expose?": true }],
    [
      "a kebab-case batch",
      {
        kind: "command",
        in: "c",
        "worker-fn": "./workers.js",
        dispatch: ":thread",
        batch: { size: 2, "max-wait-ms": 5 },
      },
    ],
    ["a keyword ticker", { kind: ":ticker", "interval-ms": 5, "initial-delay-ms": 0, out: ":c" }],
    [
      "kebab-case policies",
      {
        kind: "command",
        in: "c",
        "worker-fn": "./workers.js",
        retry: { attempts: 3, "backoff-ms": { "initial-ms": 100, "max-ms": 5000, jitter: 0.2 } },
        "timeout-ms": 30_000,
        "rate-limit": { max: 10, "interval-ms": 1000 },
      },
    ],
    [
      "a backoff list",
      { kind: "command", in: "c", workerFn: "./workers.js", retry: { backoffMs: [0, 10, 100] } },
    ],
  ])("accepts a worker with %s, as the loader does", async (_name, worker) => {
    const input = {
      channels: { ":c": { buffer: 1, "buffer-type": ":sliding", "put-mode": ":block" } },
      workers: { ":w": worker },
    };
    expect((await validateDefinition(input, { baseUrl })).ok).toBe(true);
    expect(schemaErrors(input)).toEqual([]);
  });

  const worker = { kind: "command", in: "c", workerFn: "./workers.js" };
  it.each<[string, unknown, string]>([
    [
      "a key in two spellings",
      { c: { bufferType: "fixed", "buffer-type": "fixed" } },
      "duplicate-key",
    ],
    ["a dropping buffer of 0", { c: { "buffer-type": "dropping" } }, "zero-size-buffer"],
    ["a keyword with two colons", { c: { putMode: "::drop" } }, "invalid-value"],
    ["a :keyword key", { c: { ":buffer": 1 } }, "unknown-key"],
    ["channels: null", null, "invalid-type"],
    ["an empty transport", { c: { transport: "" } }, "invalid-value"],
    ["a name read as __proto__", { c: {}, ":__proto__": {} }, "invalid-name"],
  ])("rejects %s in channels, as the loader does", async (_name, channels, code) => {
    const input = JSON.parse(
      `{"channels": ${JSON.stringify(channels)}, "workers": {"w": ${JSON.stringify(worker)}}}`,
    );
    const result = await validateDefinition(input, { baseUrl });
    expect(result.ok ? [] : result.issues.map((i) => i.code)).toContain(code);
    expect(schemaErrors(input)).not.toEqual([]);
  });

  it.each<[string, Entry, string]>([
    ["a command without worker-fn", { kind: "command", in: "c" }, "required"],
    ["a command with interval-ms", { ...worker, "interval-ms": 5 }, "ticker-only-key"],
    ["a ticker with in", { kind: "ticker", in: "c" }, "command-only-key"],
    ["an exposed ticker", { kind: "ticker", out: "c", "expose?": true }, "expose-on-ticker"],
    [
      "a ticker with concurrency 2",
      { kind: "ticker", out: "c", concurrency: 2 },
      "command-only-key",
    ],
    [
      "a thread ticker without workerFn",
      { kind: "ticker", dispatch: "thread", out: "c" },
      "thread-needs-reference",
    ],
    ["batch on a go worker", { ...worker, batch: { size: 2 } }, "batch-needs-thread"],
    ["a ticker with retry", { kind: "ticker", out: "c", retry: {} }, "command-only-key"],
    ["a ticker with timeout-ms", { kind: "ticker", out: "c", "timeout-ms": 5 }, "command-only-key"],
    [
      "a ticker with rateLimit",
      { kind: "ticker", out: "c", rateLimit: { max: 1, intervalMs: 5 } },
      "command-only-key",
    ],
    ["an empty backoff list", { ...worker, retry: { backoffMs: [] } }, "invalid-value"],
    [
      "a backoff in two spellings",
      { ...worker, retry: { backoffMs: { initialMs: 1, "initial-ms": 1 } } },
      "duplicate-key",
    ],
    [
      "an exponential backoff without initialMs",
      { ...worker, retry: { backoffMs: { "max-ms": 5 } } },
      "required",
    ],
    ["a rate limit without interval", { ...worker, "rate-limit": { max: 1 } }, "required"],
    ["a reference without export", { ...worker, workerFn: "./workers.js#" }, "invalid-reference"],
    ["a reference '#'", { ...worker, workerFn: "#" }, "invalid-reference"],
  ])("rejects %s, as the loader does", async (_name, w, code) => {
    const input = { channels: { c: { buffer: 1 } }, workers: { w } };
    const result = await validateDefinition(input, { baseUrl });
    expect(result.ok ? [] : result.issues.map((i) => i.code)).toContain(code);
    expect(schemaErrors(input)).not.toEqual([]);
  });

  it("holds the transport keys: a transport name and a subject", async () => {
    const input = {
      channels: { ":c": { transport: ":nats", subject: "images.in", buffer: 10 } },
      workers: { w: { ...worker, in: ":c" } },
    };
    expect(schemaErrors(input)).toEqual([]);
    const result = await validateDefinition(input, { baseUrl });
    expect(result.ok && result.definition.channels.c).toEqual({
      buffer: 10,
      bufferType: "fixed",
      putMode: "async",
      transport: "nats",
      subject: "images.in",
    });
  });
});

describe("schema and loader agree (property)", () => {
  it("every spelling of a valid definition that the loader accepts validates against the schema", async () => {
    await fc.assert(
      fc.asyncProperty(definitionArb, pickArb, async (definition, pick) => {
        const written = JSON.parse(JSON.stringify(respell(definition, pick)));
        const canonical = await validateDefinition(definition, { baseUrl });
        const loaded = await validateDefinition(written, { baseUrl });
        expect(loaded.ok, JSON.stringify(loaded)).toBe(true);
        expect(loaded.ok && loaded.definition).toEqual(canonical.ok && canonical.definition);
        expect(schemaErrors(written), JSON.stringify(written)).toEqual([]);
        expect(schemaErrors(definition)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it("a near-valid definition is rejected by the schema when the loader rejects it for its shape", async () => {
    const arb = fc
      .tuple(definitionArb, pickArb, fc.array(mutationArb, { minLength: 1, maxLength: 2 }))
      .map(([definition, pick, mutations]) =>
        mutations.reduce<unknown>(
          (input, m) => (objects(input) ? applyMutation(input, m) : input),
          structuredClone(respell(definition, pick)),
        ),
      );
    await fc.assert(fc.asyncProperty(arb, expectAgreement), { numRuns: 600 });
  });

  it("FUNCTION_REF_PATTERN matches exactly the references parseFunctionRef accepts", () => {
    const pattern = new RegExp(FUNCTION_REF_PATTERN, "u");
    const parses = (ref: string): boolean => {
      try {
        parseFunctionRef(ref);
        return true;
      } catch {
        return false;
      }
    };
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom("#", " ", "\t", "a", ".", "/"), maxLength: 8 }),
        (ref) => {
          expect(pattern.test(ref), JSON.stringify(ref)).toBe(parses(ref));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
