import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigError, IssueCode, parseDefinition, validateDefinition } from "../src/index.js";

const codes = new Set<string>(Object.values(IssueCode));

const baseUrl = new URL("./fixtures/", import.meta.url);

// Near-valid definitions reach the rules and the reference resolution, not only the root check.
const channelNames = fc.constantFrom("in", "out", ":in", "images/in", "", "__proto__");
const anyValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(undefined, () => 1),
);
const channel = fc.dictionary(
  fc.constantFrom("buffer", "bufferType", "putMode", "buffer-type", "put-mode", "size"),
  fc.oneof(
    fc.integer({ min: -2, max: 4 }),
    fc.constantFrom("fixed", "dropping", "sliding", ":sliding", "async", "block", "drop"),
    anyValue,
  ),
  { maxKeys: 4 },
);
const worker = fc.dictionary(
  fc.constantFrom(
    "kind",
    "in",
    "workerFn",
    "worker-fn",
    "dispatch",
    "expose",
    "expose?",
    "outputChan",
    "failChan",
    "out",
    "concurrency",
    "intervalMs",
    "initialDelayMs",
    "batch",
    "retry",
    "timeoutMs",
    "timeout-ms",
    "rateLimit",
    "rate-limit",
  ),
  fc.oneof(
    fc.constantFrom("command", "ticker", "go", "thread", true, false, 1, 0, 2.5),
    channelNames,
    fc.constantFrom(
      "./workers.js#commands",
      "./workers.js",
      "./workers.js#nope",
      "./no-default.js",
      "./nowhere.js#x",
      "#",
      "./workers.js#notAFunction",
    ),
    fc.record({ size: fc.integer({ min: -1, max: 3 }) }, { requiredKeys: [] }),
    fc.record(
      {
        attempts: fc.integer({ min: -1, max: 3 }),
        backoffMs: fc.oneof(
          fc.integer({ min: -1, max: 3 }),
          fc.array(fc.integer({ min: -1, max: 3 }), { maxLength: 2 }),
          fc.record(
            { initialMs: fc.integer({ min: -1, max: 3 }), "max-ms": anyValue, jitter: anyValue },
            { requiredKeys: [] },
          ),
          anyValue,
        ),
        "backoff-ms": anyValue,
      },
      { requiredKeys: [] },
    ),
    fc.record(
      { max: fc.integer({ min: -1, max: 3 }), intervalMs: anyValue, "interval-ms": anyValue },
      { requiredKeys: [] },
    ),
    anyValue,
  ),
  { maxKeys: 8 },
);
const definition = fc.record(
  {
    channels: fc.oneof(
      fc.dictionary(channelNames, fc.oneof(channel, anyValue), { maxKeys: 4 }),
      anyValue,
    ),
    workers: fc.oneof(
      fc.dictionary(fc.constantFrom("w", "t", ":w", "__proto__"), worker, { maxKeys: 3 }),
      anyValue,
    ),
    $schema: anyValue,
    extra: anyValue,
  },
  { requiredKeys: [] },
);

async function settle(input: unknown): Promise<void> {
  const result = await validateDefinition(input, { baseUrl });
  if (result.ok) {
    expect(Object.keys(result.definition)).toEqual(["channels", "workers"]);
    for (const [name, w] of Object.entries(result.definition.workers)) {
      expect(w.name).toBe(name);
      if (w.kind === "command") expect(typeof w.workerFn).toBe("function");
      if (w.dispatch === "thread") expect(w.workerRef).toBeDefined();
    }
  } else {
    expect(result.issues.length).toBeGreaterThan(0);
    for (const issue of result.issues) {
      expect(codes.has(issue.code), issue.code).toBe(true);
      expect(Array.isArray(issue.path)).toBe(true);
      expect(issue.message.length).toBeGreaterThan(0);
    }
  }
  await parseDefinition(input, { baseUrl }).catch((error: unknown) => {
    expect(error).toBeInstanceOf(ConfigError);
  });
}

describe("validation of arbitrary input", () => {
  it("never throws for random JSON values: it returns issues", async () => {
    await fc.assert(fc.asyncProperty(fc.jsonValue(), settle), { numRuns: 300 });
  });

  it("never throws for random near-valid definitions", async () => {
    await fc.assert(fc.asyncProperty(definition, settle), { numRuns: 300 });
  });

  it("turns a throwing getter into a ConfigError", async () => {
    const input = {
      get workers(): never {
        throw new Error("getter");
      },
    };
    const error = await validateDefinition(input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues[0]?.code).toBe("internal");
  });
});
