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
import {
  BATCH_ALIASES,
  CHANNEL_ALIASES,
  KEYWORD_KEYS,
  WORKER_ALIASES,
} from "../src/internal/aliases.js";
import { FUNCTION_REF_PATTERN } from "../src/internal/json-schema.js";
import type { ConfigIssue } from "../src/types.js";
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

// ---- generated definitions -------------------------------------------------------------------

type Entry = Record<string, unknown>;
interface Definition {
  $schema?: string;
  channels: Record<string, Entry>;
  workers: Record<string, Entry>;
}

const REFS = ["./workers.js#commands", "./workers.js#heartbeat", "./workers.js"];
const MAX_DELAY_MS = 2_147_483_647;

const channelArb = fc
  .record(
    {
      buffer: fc.integer({ min: 0, max: 8 }),
      bufferType: fc.constantFrom("fixed", "dropping", "sliding"),
      putMode: fc.constantFrom("async", "block", "drop"),
      transport: fc.constantFrom("nats", "redis"),
      subject: fc.constantFrom("images.in", "jobs"),
    },
    { requiredKeys: [] },
  )
  .map((c): Entry => {
    // A dropping or sliding buffer needs room for a value.
    if (c.bufferType !== undefined && c.bufferType !== "fixed" && !(c.buffer ?? 0)) c.buffer = 1;
    return c;
  });

const delayArb = fc.oneof(
  fc.integer({ min: 1, max: MAX_DELAY_MS }),
  fc.double({ min: 0.001, max: 100_000, noNaN: true }),
);

function workerArb(channels: readonly string[]): fc.Arbitrary<Entry> {
  const channel = fc.constantFrom(...channels);
  const command = fc
    .record(
      {
        kind: fc.constant("command"),
        in: channel,
        workerFn: fc.constantFrom(...REFS),
        dispatch: fc.constantFrom("go", "thread"),
        expose: fc.boolean(),
        outputChan: channel,
        failChan: channel,
        concurrency: fc.integer({ min: 1, max: 4 }),
        batch: fc.record(
          { size: fc.integer({ min: 1, max: 4 }), maxWaitMs: fc.integer({ min: 0, max: 100 }) },
          { requiredKeys: ["size"] },
        ),
      },
      { requiredKeys: ["kind", "in", "workerFn"] },
    )
    .map((w): Entry => (w.batch === undefined ? w : { ...w, dispatch: "thread" }));
  const ticker = fc
    .record(
      {
        kind: fc.constant("ticker"),
        intervalMs: delayArb,
        initialDelayMs: fc.integer({ min: 0, max: 10_000 }),
        out: channel,
        workerFn: fc.constantFrom(...REFS),
        dispatch: fc.constantFrom("go", "thread"),
        expose: fc.constant(false),
        concurrency: fc.constant(1),
        outputChan: channel,
        failChan: channel,
      },
      { requiredKeys: ["kind"] },
    )
    .map(
      (w): Entry =>
        w.dispatch === "thread" && w.workerFn === undefined ? { ...w, workerFn: REFS[0] } : w,
    );
  return fc.oneof(command, ticker);
}

function fromEntries<T>(names: readonly string[], values: readonly T[]): Record<string, T> {
  return Object.fromEntries(names.map((n, i) => [n, values[i] as T]));
}

/** A valid definition in canonical camelCase. */
const definitionArb: fc.Arbitrary<Definition> = fc
  .uniqueArray(fc.constantFrom("jobs", "images/in", "images/out", "a.b", "constructor", ":"), {
    minLength: 1,
    maxLength: 4,
  })
  .chain((channelNames) =>
    fc.record(
      {
        $schema: fc.constant("./node_modules/@workers/config/schema.json"),
        channels: fc
          .tuple(...channelNames.map(() => channelArb))
          .map((cs) => fromEntries(channelNames, cs)),
        workers: fc
          .uniqueArray(fc.constantFrom("commands", "image-store", "tick", "w"), {
            minLength: 1,
            maxLength: 3,
          })
          .chain((names) =>
            fc
              .tuple(...names.map(() => workerArb(channelNames)))
              .map((ws) => fromEntries(names, ws)),
          ),
      },
      { requiredKeys: ["channels", "workers"] },
    ),
  );

/** Every spelling of a canonical key, the canonical one first. */
function spellingsOf(key: string, aliases: Readonly<Record<string, string>>): string[] {
  return [key, ...Object.keys(aliases).filter((a) => aliases[a] === key)];
}

/** Picks a spelling for each name, key and keyword value; `pick(path, n)` is in 0..n-1. */
type Pick = (path: string, n: number) => number;

function respellEntry(
  entry: Entry,
  aliases: Readonly<Record<string, string>>,
  pick: Pick,
  at: string,
): Entry {
  const out: Entry = {};
  for (const [key, value] of Object.entries(entry)) {
    const spellings = spellingsOf(key, aliases);
    const written = spellings[pick(`${at}.${key}`, spellings.length)] as string;
    let v = value;
    if (typeof v === "string" && KEYWORD_KEYS.has(key) && pick(`${at}.${key}=`, 2) === 1) {
      v = `:${v}`;
    }
    if (key === "batch") v = respellEntry(v as Entry, BATCH_ALIASES, pick, `${at}.batch`);
    out[written] = v;
  }
  return out;
}

/** The definition as d-core users may write it: kebab-case keys, `:keyword` names and values. */
function respell(definition: Definition, pick: Pick): unknown {
  const section = (name: "channels" | "workers", aliases: Readonly<Record<string, string>>) =>
    Object.fromEntries(
      Object.entries(definition[name]).map(([n, entry]) => [
        pick(`${name}/${n}`, 2) === 1 ? `:${n}` : n,
        respellEntry(entry, aliases, pick, `${name}/${n}`),
      ]),
    );
  return {
    ...(definition.$schema === undefined ? {} : { $schema: definition.$schema }),
    channels: section("channels", CHANNEL_ALIASES),
    workers: section("workers", WORKER_ALIASES),
  };
}

const pickArb: fc.Arbitrary<Pick> = fc
  .func(fc.nat())
  .map((f) => (path: string, n: number) => f(path) % n);

// ---- mutations: near-valid definitions -------------------------------------------------------

const keysOf = (canonical: readonly string[], aliases: Readonly<Record<string, string>>) => [
  ...canonical,
  ...Object.keys(aliases),
];
const CHANNEL_KEY_POOL = [
  ...keysOf(["buffer", "bufferType", "putMode", "transport", "subject"], CHANNEL_ALIASES),
  ":buffer",
  "size",
  "worker-fn",
];
const WORKER_KEY_POOL = [
  ...keysOf(
    [
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
    ],
    WORKER_ALIASES,
  ),
  ":in",
  "buffer-type",
  "max-wait-ms",
  "retry",
];
const BATCH_KEY_POOL = ["size", "maxWaitMs", ...Object.keys(BATCH_ALIASES), "bogus"];
const ROOT_KEY_POOL = ["$schema", "channels", "workers", "extra"];

const EDGE_VALUES: readonly unknown[] = [
  -1,
  0,
  1,
  2,
  0.5,
  MAX_DELAY_MS,
  MAX_DELAY_MS + 1,
  2 ** 53,
  "",
  ":",
  "fixed",
  ":dropping",
  "::sliding",
  "sliding",
  ":block",
  "drop",
  "command",
  ":command",
  "ticker",
  ":ticker",
  "go",
  ":thread",
  "thread",
  "THREAD",
  "nats",
  ":nats",
  "jobs",
  ":jobs",
  "images/in",
  "nowhere",
  true,
  false,
  null,
  [],
  {},
  { size: 0 },
  { size: 2 },
  { size: 2, "max-wait-ms": 5 },
  { size: 1, maxWaitMs: -1 },
  { size: 1, maxWaitMs: 1, "max-wait-ms": 1 },
  "./workers.js#commands",
  "./workers.js#nope",
  "./workers.js#notAFunction",
  "./nowhere.js",
  "#",
  "./workers.js#",
  "./workers.js# ",
  " ",
  "##x",
  " #x",
  "#x#",
];

/** Values a key is likely to get, so mutations reach the rules, not only the type checks. */
const PLAUSIBLE: Readonly<Record<string, readonly unknown[]>> = {
  buffer: [0, 1, 4, -1],
  bufferType: ["fixed", "dropping", ":sliding", "dropped"],
  putMode: ["async", ":block", "drop"],
  transport: ["nats", ":nats", ""],
  subject: ["images.in", ""],
  kind: ["command", ":command", "ticker", ":ticker"],
  in: ["jobs", ":jobs", "nowhere", ":"],
  out: ["jobs", "images/in", "nowhere"],
  outputChan: ["jobs", ":images/out", "nowhere"],
  failChan: ["jobs", "a.b", "nowhere"],
  workerFn: ["./workers.js#heartbeat", "./workers.js#nope", "./workers.js#", "#", "./nowhere.js"],
  dispatch: ["go", "thread", ":thread", ":go"],
  expose: [true, false],
  concurrency: [1, 2, 0],
  intervalMs: [1, 5000, 0, MAX_DELAY_MS + 1],
  initialDelayMs: [0, 10, -1],
  batch: [{ size: 2 }, { size: 1, "max-wait-ms": 3 }, { size: 0 }],
  size: [1, 3, 0],
  maxWaitMs: [0, 5, -1],
};

const valueArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...EDGE_VALUES) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) },
);

const mutationArb = fc.record({
  op: fc.oneof(
    { weight: 8, arbitrary: fc.constant("set") },
    { weight: 2, arbitrary: fc.constantFrom("delete", "respell") },
    { weight: 1, arbitrary: fc.constantFrom("rename", "entry", "section", "root") },
  ),
  target: fc.nat(),
  key: fc.nat(),
  value: valueArb,
  /** Most of the time a value from PLAUSIBLE (this index), else `value`. */
  plausible: fc.option(fc.nat(), { nil: undefined, freq: 4 }),
});
type Mutation = typeof mutationArb extends fc.Arbitrary<infer M> ? M : never;

/** Assignment that keeps `__proto__` an ordinary own key, as JSON.parse does. */
function setOwn(target: Entry, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    writable: true,
    enumerable: true,
    configurable: true,
  });
}

const objects = (v: unknown): v is Entry =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function applyMutation(input: Entry, m: Mutation): unknown {
  const nth = <T>(items: readonly T[], n: number): T | undefined =>
    items.length === 0 ? undefined : items[n % items.length];
  // Every object a key can be set on: the root, each channel, each worker, each batch.
  const targets: [Entry, readonly string[], Readonly<Record<string, string>>][] = [
    [input, ROOT_KEY_POOL, {}],
  ];
  const sections: Entry[] = [];
  for (const [name, pool, aliases] of [
    ["channels", CHANNEL_KEY_POOL, CHANNEL_ALIASES],
    ["workers", WORKER_KEY_POOL, WORKER_ALIASES],
  ] as const) {
    const section = input[name];
    if (!objects(section)) continue;
    sections.push(section);
    for (const entry of Object.values(section)) {
      if (!objects(entry)) continue;
      targets.push([entry, pool, aliases]);
      for (const [k, v] of Object.entries(entry)) {
        if ((WORKER_ALIASES[k] ?? k) === "batch" && objects(v)) {
          targets.push([v, BATCH_KEY_POOL, BATCH_ALIASES]);
        }
      }
    }
  }
  const [entry, pool, aliases] = nth(targets, m.target) ?? targets[0]!;
  const value = structuredClone(m.value);
  switch (m.op) {
    case "set": {
      const key = nth(pool, m.key)!;
      const likely = PLAUSIBLE[aliases[key] ?? key] ?? [];
      const chosen = m.plausible === undefined ? undefined : nth(likely, m.plausible);
      setOwn(entry, key, chosen === undefined ? value : structuredClone(chosen));
      return input;
    }
    case "delete": {
      const key = nth(Object.keys(entry), m.key);
      if (key !== undefined) delete entry[key];
      return input;
    }
    case "respell": {
      // The same key again in another spelling.
      const key = nth(Object.keys(entry), m.key);
      if (key === undefined) return input;
      const canonical = aliases[key] ?? key;
      const other = spellingsOf(canonical, aliases).find((s) => s !== key);
      if (other !== undefined) setOwn(entry, other, entry[key]);
      return input;
    }
    case "rename": {
      // Another name for an entry: `:name` beside `name`, or one the loader refuses.
      const section = nth(sections, m.target);
      const name = section === undefined ? undefined : nth(Object.keys(section), m.key);
      if (section === undefined || name === undefined) return input;
      const names = [`:${name}`, name.startsWith(":") ? name.slice(1) : `::${name}`];
      const to = nth([...names, "", "__proto__", ":__proto__"], m.key + m.target)!;
      setOwn(section, to, structuredClone(section[name]));
      if (m.key % 2 === 0) delete section[name];
      return input;
    }
    case "entry": {
      const section = nth(sections, m.target);
      const name = section === undefined ? undefined : nth(Object.keys(section), m.key);
      if (section !== undefined && name !== undefined) setOwn(section, name, value);
      return input;
    }
    case "section": {
      // Absent, empty, null (an empty `channels:` in YAML), or something else.
      const section = m.target % 2 === 0 ? "channels" : "workers";
      const replacement = nth([undefined, {}, null, [], value], m.key);
      if (replacement === undefined) delete input[section];
      else input[section] = replacement;
      return input;
    }
    default:
      // Rarely, something that is no definition at all.
      return m.key % 4 === 0 ? value : input;
  }
}

// ---- tests -----------------------------------------------------------------------------------

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
