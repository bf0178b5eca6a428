import { describe, expect, it } from "vitest";
import { IssueCode, validateDefinition } from "../src/index.js";

const baseUrl = new URL("./fixtures/", import.meta.url);
const fn = (_ctx: unknown, msg: unknown) => msg;

type Def = Record<string, any>;
const base = (): Def => ({
  channels: { in: { buffer: 1 }, out: { buffer: 1 } },
  workers: { w: { kind: "command", in: "in", workerFn: fn, outputChan: "out" } },
});
const channel = (patch: Def): Def => {
  const d = base();
  d.channels.in = { ...d.channels.in, ...patch };
  return d;
};
const worker = (patch: Def): Def => {
  const d = base();
  d.workers.w = { ...d.workers.w, ...patch };
  return d;
};
const without = (key: string): Def => {
  const d = base();
  delete d.workers.w[key];
  return d;
};
const ticker = (patch: Def): Def => {
  const d = base();
  d.workers.w = { kind: "command", in: "in", workerFn: fn };
  d.workers.t = { kind: "ticker", out: "out", ...patch };
  return d;
};
const thread = (patch: Def): Def =>
  worker({ dispatch: "thread", workerFn: "./workers.js#commands", ...patch });

const W = ["workers", "w"];
const C = ["channels", "in"];
const T = ["workers", "t"];

// [description, definition, code, path]: each definition has exactly this one issue.
const cases: [string, unknown, string, (string | number)[]][] = [
  ["a number instead of a definition", 42, "invalid-type", []],
  ["an array instead of a definition", [], "invalid-type", []],
  ["null instead of a definition", null, "invalid-type", []],
  ["no workers", { channels: {} }, "required", ["workers"]],
  ["an unknown top-level key", { ...base(), worker: {} }, "unknown-key", ["worker"]],
  ["a non-string $schema", { ...base(), $schema: 1 }, "invalid-type", ["$schema"]],
  [
    "channels as an array",
    { channels: [], workers: { t: { kind: "ticker", workerFn: fn } } },
    "invalid-type",
    ["channels"],
  ],
  ["workers as a string", { channels: {}, workers: "w" }, "invalid-type", ["workers"]],
  ["a channel that is a number", { ...base(), channels: { in: 8, out: {} } }, "invalid-type", C],
  ["a negative buffer", channel({ buffer: -1 }), "out-of-range", [...C, "buffer"]],
  ["a fractional buffer", channel({ buffer: 1.5 }), "invalid-type", [...C, "buffer"]],
  ["a buffer given as a string", channel({ buffer: "8" }), "invalid-type", [...C, "buffer"]],
  ["an unknown bufferType", channel({ bufferType: "drop" }), "invalid-value", [...C, "bufferType"]],
  ["an unknown putMode", channel({ putMode: "blocking" }), "invalid-value", [...C, "putMode"]],
  ["an unknown channel key", channel({ size: 4 }), "unknown-key", [...C, "size"]],
  [
    "a dropping buffer of size 0",
    channel({ buffer: 0, bufferType: "dropping" }),
    "zero-size-buffer",
    [...C, "buffer"],
  ],
  [
    "a sliding buffer without a size",
    { ...base(), channels: { in: { bufferType: "sliding" }, out: {} } },
    "zero-size-buffer",
    [...C, "buffer"],
  ],
  [
    "an empty channel name",
    { ...base(), channels: { ...base().channels, "": {} } },
    "invalid-name",
    ["channels", ""],
  ],
  [
    "a channel written both as name and :name",
    { ...base(), channels: { in: {}, ":in": {}, out: {} } },
    "duplicate-key",
    ["channels", ":in"],
  ],
  ["a worker that is a string", { ...base(), workers: { w: "./workers.js" } }, "invalid-type", W],
  [
    "a worker named __proto__",
    JSON.parse(
      '{"channels":{},"workers":{"__proto__":{"kind":"ticker","workerFn":"./workers.js#heartbeat"}}}',
    ),
    "invalid-name",
    ["workers", "__proto__"],
  ],
  ["a worker without kind", without("kind"), "required", [...W, "kind"]],
  ["an unknown kind", worker({ kind: "cmd" }), "invalid-value", [...W, "kind"]],
  ["a command worker without in", without("in"), "required", [...W, "in"]],
  ["a command worker without workerFn", without("workerFn"), "required", [...W, "workerFn"]],
  ["an unknown worker key", worker({ workerFN: fn }), "unknown-key", [...W, "workerFN"]],
  ["an undeclared in", worker({ in: "missing" }), "undeclared-channel", [...W, "in"]],
  [
    "an undeclared outputChan",
    worker({ outputChan: "images/out" }),
    "undeclared-channel",
    [...W, "outputChan"],
  ],
  [
    "an undeclared failChan",
    worker({ failChan: "errors" }),
    "undeclared-channel",
    [...W, "failChan"],
  ],
  ["an undeclared ticker out", ticker({ out: "ticks" }), "undeclared-channel", [...T, "out"]],
  ["an empty channel reference", worker({ in: "" }), "invalid-value", [...W, "in"]],
  ["expose on a ticker", ticker({ expose: true }), "expose-on-ticker", [...T, "expose"]],
  ["expose that is not a boolean", worker({ expose: "yes" }), "invalid-type", [...W, "expose"]],
  ["in on a ticker", ticker({ in: "in" }), "command-only-key", [...T, "in"]],
  [
    "concurrency on a ticker",
    ticker({ concurrency: 4 }),
    "command-only-key",
    [...T, "concurrency"],
  ],
  ["batch on a ticker", ticker({ batch: { size: 2 } }), "command-only-key", [...T, "batch"]],
  [
    "intervalMs on a command worker",
    worker({ intervalMs: 10 }),
    "ticker-only-key",
    [...W, "intervalMs"],
  ],
  [
    "initialDelayMs on a command worker",
    worker({ initialDelayMs: 10 }),
    "ticker-only-key",
    [...W, "initialDelayMs"],
  ],
  ["out on a command worker", worker({ out: "out" }), "ticker-only-key", [...W, "out"]],
  ["an unknown dispatch", worker({ dispatch: "worker" }), "invalid-value", [...W, "dispatch"]],
  [
    "a thread worker with a closure",
    worker({ dispatch: "thread" }),
    "thread-needs-reference",
    [...W, "workerFn"],
  ],
  [
    "a thread ticker without a function",
    ticker({ dispatch: "thread" }),
    "thread-needs-reference",
    [...T, "workerFn"],
  ],
  ["concurrency 0", worker({ concurrency: 0 }), "out-of-range", [...W, "concurrency"]],
  ["fractional concurrency", worker({ concurrency: 2.5 }), "invalid-type", [...W, "concurrency"]],
  ["intervalMs 0", ticker({ intervalMs: 0 }), "out-of-range", [...T, "intervalMs"]],
  [
    "intervalMs beyond setTimeout's range",
    ticker({ intervalMs: 2 ** 31 }),
    "out-of-range",
    [...T, "intervalMs"],
  ],
  [
    "a negative initialDelayMs",
    ticker({ initialDelayMs: -1 }),
    "out-of-range",
    [...T, "initialDelayMs"],
  ],
  ["a workerFn that is a number", worker({ workerFn: 42 }), "invalid-type", [...W, "workerFn"]],
  ["an empty workerFn", worker({ workerFn: "" }), "invalid-type", [...W, "workerFn"]],
  [
    "a reference with an empty export",
    worker({ workerFn: "./workers.js#" }),
    "invalid-reference",
    [...W, "workerFn"],
  ],
  [
    "a reference to a missing file",
    worker({ workerFn: "./nowhere.js#f" }),
    "module-not-found",
    [...W, "workerFn"],
  ],
  [
    "a reference to a missing package",
    worker({ workerFn: "no-such-package-4f1e#f" }),
    "module-not-found",
    [...W, "workerFn"],
  ],
  [
    "a reference to a missing export",
    worker({ workerFn: "./workers.js#nope" }),
    "export-not-found",
    [...W, "workerFn"],
  ],
  [
    "a reference to a module without default export",
    worker({ workerFn: "./no-default.js" }),
    "export-not-found",
    [...W, "workerFn"],
  ],
  [
    "a reference to a non-function export",
    worker({ workerFn: "./workers.js#notAFunction" }),
    "not-a-function",
    [...W, "workerFn"],
  ],
  [
    "a reference to a module that throws",
    worker({ workerFn: "./throws-on-load.js#x" }),
    "module-load-failed",
    [...W, "workerFn"],
  ],
  ["batch on a go worker", worker({ batch: { size: 4 } }), "batch-needs-thread", [...W, "batch"]],
  ["batch size 0", thread({ batch: { size: 0 } }), "out-of-range", [...W, "batch", "size"]],
  ["batch without size", thread({ batch: {} }), "required", [...W, "batch", "size"]],
  [
    "an unknown batch key",
    thread({ batch: { size: 2, max: 3 } }),
    "unknown-key",
    [...W, "batch", "max"],
  ],
  [
    "a key in both spellings",
    worker({ "output-chan": "out" }),
    "duplicate-key",
    [...W, "output-chan"],
  ],
  [
    "a kebab-case key with a bad value",
    worker({ outputChan: undefined, "output-chan": "nope" }),
    "undeclared-channel",
    [...W, "output-chan"],
  ],
  [
    "a keyword-style bad value",
    channel({ "buffer-type": ":droping" }),
    "invalid-value",
    [...C, "buffer-type"],
  ],
  // Worker policies.
  ["retry on a ticker", ticker({ retry: { attempts: 2 } }), "command-only-key", [...T, "retry"]],
  ["timeoutMs on a ticker", ticker({ timeoutMs: 100 }), "command-only-key", [...T, "timeoutMs"]],
  [
    "rate-limit on a ticker",
    ticker({ "rate-limit": { max: 1, intervalMs: 10 } }),
    "command-only-key",
    [...T, "rate-limit"],
  ],
  ["retry that is a number", worker({ retry: 3 }), "invalid-type", [...W, "retry"]],
  [
    "retry attempts 0",
    worker({ retry: { attempts: 0 } }),
    "out-of-range",
    [...W, "retry", "attempts"],
  ],
  [
    "fractional retry attempts",
    worker({ retry: { attempts: 2.5 } }),
    "invalid-type",
    [...W, "retry", "attempts"],
  ],
  [
    "an unknown retry key",
    worker({ retry: { attempts: 2, delayMs: 5 } }),
    "unknown-key",
    [...W, "retry", "delayMs"],
  ],
  [
    "a negative backoffMs",
    worker({ retry: { backoffMs: -1 } }),
    "out-of-range",
    [...W, "retry", "backoffMs"],
  ],
  [
    "a backoffMs beyond setTimeout's range",
    worker({ retry: { "backoff-ms": 2 ** 31 } }),
    "out-of-range",
    [...W, "retry", "backoff-ms"],
  ],
  [
    "an empty backoffMs list",
    worker({ retry: { backoffMs: [] } }),
    "invalid-value",
    [...W, "retry", "backoffMs"],
  ],
  [
    "a negative delay in a backoffMs list",
    worker({ retry: { backoffMs: [10, -1] } }),
    "out-of-range",
    [...W, "retry", "backoffMs", 1],
  ],
  [
    "a backoffMs string",
    worker({ retry: { backoffMs: "100" } }),
    "invalid-type",
    [...W, "retry", "backoffMs"],
  ],
  [
    "an exponential backoffMs without initialMs",
    worker({ retry: { backoffMs: { factor: 2 } } }),
    "required",
    [...W, "retry", "backoffMs", "initialMs"],
  ],
  [
    "a backoff factor below 1",
    worker({ retry: { backoffMs: { initialMs: 10, factor: 0.5 } } }),
    "out-of-range",
    [...W, "retry", "backoffMs", "factor"],
  ],
  [
    "a backoff jitter over 1",
    worker({ retry: { backoffMs: { initialMs: 10, jitter: 1.5 } } }),
    "out-of-range",
    [...W, "retry", "backoffMs", "jitter"],
  ],
  [
    "a kebab-case max-ms beyond setTimeout's range",
    worker({ retry: { "backoff-ms": { "initial-ms": 10, "max-ms": 2 ** 31 } } }),
    "out-of-range",
    [...W, "retry", "backoff-ms", "max-ms"],
  ],
  [
    "an unknown exponential backoff key",
    worker({ retry: { backoffMs: { initialMs: 10, ceilingMs: 5 } } }),
    "unknown-key",
    [...W, "retry", "backoffMs", "ceilingMs"],
  ],
  ["timeoutMs 0", worker({ timeoutMs: 0 }), "out-of-range", [...W, "timeoutMs"]],
  [
    "timeout-ms beyond setTimeout's range",
    worker({ "timeout-ms": 2 ** 31 }),
    "out-of-range",
    [...W, "timeout-ms"],
  ],
  ["timeoutMs as a string", worker({ timeoutMs: "5s" }), "invalid-type", [...W, "timeoutMs"]],
  [
    "rateLimit max 0",
    worker({ rateLimit: { max: 0, intervalMs: 1000 } }),
    "out-of-range",
    [...W, "rateLimit", "max"],
  ],
  [
    "rateLimit without intervalMs",
    worker({ rateLimit: { max: 5 } }),
    "required",
    [...W, "rateLimit", "intervalMs"],
  ],
  [
    "a kebab-case rate-limit interval under 1 ms",
    worker({ "rate-limit": { max: 5, "interval-ms": 0.5 } }),
    "out-of-range",
    [...W, "rate-limit", "interval-ms"],
  ],
  [
    "a rateLimit key in both spellings",
    worker({ rateLimit: { max: 5, intervalMs: 10, "interval-ms": 10 } }),
    "duplicate-key",
    [...W, "rateLimit", "interval-ms"],
  ],
];

describe("bad definitions: each reports its one issue with code and path", () => {
  it("covers at least 30 distinct cases", () => {
    expect(new Set(cases.map((c) => c[0])).size).toBe(cases.length);
    expect(cases.length).toBeGreaterThanOrEqual(30);
    for (const [, , code] of cases) expect(Object.values(IssueCode)).toContain(code);
  });

  it.each(cases)("%s", async (_name, definition, code, path) => {
    const result = await validateDefinition(definition, { baseUrl });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => ({ code: i.code, path: i.path }))).toEqual([{ code, path }]);
    expect(result.issues[0]?.message.length).toBeGreaterThan(10);
  });
});

describe("fix hints", () => {
  const messageOf = async (definition: unknown): Promise<string> => {
    const result = await validateDefinition(definition, { baseUrl });
    if (result.ok) throw new Error("expected issues");
    return result.issues[0]!.message;
  };

  it("suggests the closest declared channel", async () => {
    expect(await messageOf(worker({ in: "inn" }))).toContain('Did you mean "in"?');
  });

  it("suggests the closest key, and lists the allowed ones", async () => {
    const message = await messageOf(worker({ workerFN: fn }));
    expect(message).toContain('Did you mean "workerFn"?');
    expect(message).toContain("Allowed keys: kind, in, workerFn,");
  });

  it("suggests and lists the keys of the object an unknown key is in", async () => {
    const message = await messageOf(
      worker({ retry: { backoffMs: { initialMs: 10, maxMS: 100 } } }),
    );
    expect(message).toContain('Did you mean "maxMs"?');
    expect(message).toContain("Allowed keys: initialMs, factor, maxMs, jitter.");
    const result = await validateDefinition(worker({ rateLimit: { max: 1, interval: 5 } }), {
      baseUrl,
    });
    // The key it misspells is missing, and the misspelt one is unknown.
    expect(result.ok ? [] : result.issues.map((i) => [i.code, i.path.at(-1)])).toEqual([
      ["required", "intervalMs"],
      ["unknown-key", "interval"],
    ]);
    expect(result.ok ? "" : result.issues[1]?.message).toContain('Did you mean "intervalMs"?');
  });

  it("names every form backoffMs takes when it has none of them", async () => {
    expect(await messageOf(worker({ retry: { backoffMs: "100" } }))).toBe(
      'expected a number, an array or an object, got the string "100".',
    );
  });

  it("suggests the closest enum value", async () => {
    expect(await messageOf(channel({ bufferType: "droping" }))).toContain(
      'Did you mean "dropping"?',
    );
  });

  it("lists the exports of a module whose export is missing", async () => {
    const message = await messageOf(worker({ workerFn: "./workers.js#imageDownlod" }));
    expect(message).toContain("commands, default, heartbeat, imageDownload");
  });

  it("names the function exports when an export is not a function", async () => {
    expect(await messageOf(worker({ workerFn: "./workers.js#notAFunction" }))).toContain(
      "Function exports: commands, default, heartbeat",
    );
  });
});
