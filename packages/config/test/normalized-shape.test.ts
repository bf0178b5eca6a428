import fc from "fast-check";
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  hasNormalizedShape,
  isNormalizedDefinition,
  type NormalizedDefinition,
  parseDefinition,
  validateDefinition,
} from "../src/index.js";
import { MAX_DELAY_MS } from "../src/schema.js";
import {
  applyMutation,
  definitionArb,
  mutationArb,
  objects,
  pickArb,
  respell,
} from "./definition-arbitraries.js";

const baseUrl = new URL("./fixtures/", import.meta.url);

// A hand-made definition in normalized form: no brand, every field in range.
function handMade(): any {
  return {
    channels: {
      "jobs/in": { buffer: 4, bufferType: "fixed", putMode: "async" },
      "jobs/out": { buffer: 0, bufferType: "fixed", putMode: "drop" },
      ticks: { buffer: 1, bufferType: "sliding", putMode: "block" },
    },
    workers: {
      jobs: {
        name: "jobs",
        kind: "command",
        in: "jobs/in",
        workerFn: () => 1,
        dispatch: "go",
        expose: true,
        outputChan: "jobs/out",
        failChan: "jobs/out",
        concurrency: 2,
        retry: { attempts: 3, backoffMs: [100, 1000] },
        timeoutMs: 5000,
        rateLimit: { max: 10, intervalMs: 1000 },
      },
      resize: {
        name: "resize",
        kind: "command",
        in: "jobs/in",
        workerFn: () => 1,
        workerRef: { url: "file:///workers.js", exportName: "resize" },
        dispatch: "thread",
        expose: false,
        concurrency: 1,
        batch: { size: 4, maxWaitMs: 0 },
        retry: { attempts: 2, backoffMs: { initialMs: 10, factor: 2, maxMs: 1000, jitter: 0.5 } },
      },
      tick: {
        name: "tick",
        kind: "ticker",
        dispatch: "go",
        expose: false,
        concurrency: 1,
        intervalMs: 1000,
        initialDelayMs: 0,
        out: "ticks",
      },
    },
  };
}

describe("hasNormalizedShape", () => {
  it("holds for what parseDefinition returns, and for a copy of it without the brand", async () => {
    const def = await parseDefinition(
      {
        channels: { in: { buffer: 2 }, out: {} },
        workers: {
          w: { kind: "command", in: "in", workerFn: "./workers.js#commands", dispatch: "thread" },
          go: { kind: "command", in: "in", workerFn: () => 1, outputChan: "out" },
          t: { kind: "ticker", intervalMs: 50, out: "out" },
        },
      },
      { baseUrl },
    );
    expect(hasNormalizedShape(def)).toBe(true);
    const copy = { channels: { ...def.channels }, workers: { ...def.workers } };
    expect(isNormalizedDefinition(copy)).toBe(false);
    expect(hasNormalizedShape(copy)).toBe(true);
    expect(hasNormalizedShape(handMade())).toBe(true);
  });

  it("holds for every definition validation accepts, written or mutated", async () => {
    const arb = fc
      .tuple(definitionArb, pickArb, fc.array(mutationArb, { maxLength: 2 }))
      .map(([definition, pick, mutations]) =>
        mutations.reduce<unknown>(
          (input, m) => (objects(input) ? applyMutation(input, m) : input),
          structuredClone(respell(definition, pick)),
        ),
      );
    await fc.assert(
      fc.asyncProperty(arb, async (input) => {
        const result = await validateDefinition(input, { baseUrl });
        if (!result.ok) return;
        // Validation takes any interval over 0 ms; the shape wants 1 ms at least.
        const subMs = Object.values(result.definition.workers).some(
          (w) => w.intervalMs !== undefined && w.intervalMs < 1,
        );
        expect(hasNormalizedShape(result.definition)).toBe(!subMs);
        expect(hasNormalizedShape({ ...result.definition })).toBe(!subMs);
      }),
      { numRuns: 200 },
    );
  });

  it("fails for anything but an object with channels and workers objects", () => {
    for (const value of [
      undefined,
      null,
      42,
      "def",
      [],
      { workers: {} },
      { channels: {} },
      { channels: [], workers: {} },
      { channels: {}, workers: [] },
      { channels: null, workers: {} },
    ]) {
      expect(hasNormalizedShape(value), JSON.stringify(value)).toBe(false);
    }
    expect(hasNormalizedShape({ channels: {}, workers: {} })).toBe(true);
  });

  // Each case sets one field of the hand-made definition; `undefined` removes it.
  const broken: [string, (d: any) => void][] = [
    ["a channel that is not an object", (d) => (d.channels.ticks = 1)],
    ["a negative buffer", (d) => (d.channels["jobs/in"].buffer = -1)],
    ["a fractional buffer", (d) => (d.channels["jobs/in"].buffer = 1.5)],
    ["a missing buffer", (d) => delete d.channels["jobs/in"].buffer],
    ["an unknown bufferType", (d) => (d.channels.ticks.bufferType = "lifo")],
    ["an unknown putMode", (d) => (d.channels.ticks.putMode = "later")],
    ["a worker that is not an object", (d) => (d.workers.jobs = null)],
    ["a name other than its key", (d) => (d.workers.jobs.name = "other")],
    ["an unknown kind", (d) => (d.workers.jobs.kind = "cron")],
    ["an unknown dispatch", (d) => (d.workers.jobs.dispatch = "process")],
    ["a non-boolean expose", (d) => (d.workers.jobs.expose = "yes")],
    ["concurrency 0", (d) => (d.workers.jobs.concurrency = 0)],
    ["a fractional concurrency", (d) => (d.workers.jobs.concurrency = 1.5)],
    ["an undeclared in", (d) => (d.workers.jobs.in = "nowhere")],
    ["an inherited name as in", (d) => (d.workers.jobs.in = "toString")],
    ["an undeclared outputChan", (d) => (d.workers.jobs.outputChan = "nowhere")],
    ["an undeclared failChan", (d) => (d.workers.jobs.failChan = "nowhere")],
    ["an undeclared out", (d) => (d.workers.tick.out = "nowhere")],
    ["a non-string channel name", (d) => (d.workers.jobs.outputChan = 1)],
    ["a command worker without in", (d) => delete d.workers.jobs.in],
    ["a command worker without workerFn", (d) => delete d.workers.jobs.workerFn],
    ["a workerFn that is a reference string", (d) => (d.workers.tick.workerFn = "./w.js#tick")],
    ["a thread worker without workerRef", (d) => delete d.workers.resize.workerRef],
    ["a workerRef without exportName", (d) => (d.workers.resize.workerRef = { url: "x" })],
    ["a workerRef that is a string", (d) => (d.workers.resize.workerRef = "./w.js#resize")],
    ["intervalMs 0", (d) => (d.workers.tick.intervalMs = 0)],
    ["intervalMs over the timer cap", (d) => (d.workers.tick.intervalMs = MAX_DELAY_MS + 1)],
    ["intervalMs NaN", (d) => (d.workers.tick.intervalMs = Number.NaN)],
    ["intervalMs as a string", (d) => (d.workers.tick.intervalMs = "1000")],
    ["a negative initialDelayMs", (d) => (d.workers.tick.initialDelayMs = -1)],
    ["initialDelayMs Infinity", (d) => (d.workers.tick.initialDelayMs = Infinity)],
    ["a batch that is not an object", (d) => (d.workers.resize.batch = 4)],
    ["batch size 0", (d) => (d.workers.resize.batch.size = 0)],
    ["a batch without size", (d) => delete d.workers.resize.batch.size],
    ["batch maxWaitMs over the cap", (d) => (d.workers.resize.batch.maxWaitMs = 2 ** 31)],
    ["a retry that is a number", (d) => (d.workers.jobs.retry = 3)],
    ["retry attempts 0", (d) => (d.workers.jobs.retry.attempts = 0)],
    ["fractional retry attempts", (d) => (d.workers.jobs.retry.attempts = 1.5)],
    ["a retry without attempts", (d) => delete d.workers.jobs.retry.attempts],
    ["a retry without backoffMs", (d) => delete d.workers.jobs.retry.backoffMs],
    ["a backoffMs number, as written", (d) => (d.workers.jobs.retry.backoffMs = 100)],
    ["an empty backoffMs list", (d) => (d.workers.jobs.retry.backoffMs = [])],
    ["a negative delay in the list", (d) => (d.workers.jobs.retry.backoffMs = [1, -1])],
    ["a delay over the cap in the list", (d) => (d.workers.jobs.retry.backoffMs = [2 ** 31])],
    ["a string delay in the list", (d) => (d.workers.jobs.retry.backoffMs = ["100"])],
    ["a NaN delay in the list", (d) => (d.workers.jobs.retry.backoffMs = [Number.NaN])],
    [
      "an exponential backoff without factor",
      (d) => delete d.workers.resize.retry.backoffMs.factor,
    ],
    ["a backoff factor below 1", (d) => (d.workers.resize.retry.backoffMs.factor = 0.5)],
    ["a backoff factor Infinity", (d) => (d.workers.resize.retry.backoffMs.factor = Infinity)],
    ["a negative initialMs", (d) => (d.workers.resize.retry.backoffMs.initialMs = -1)],
    ["maxMs over the cap", (d) => (d.workers.resize.retry.backoffMs.maxMs = 2 ** 31)],
    ["an exponential backoff without maxMs", (d) => delete d.workers.resize.retry.backoffMs.maxMs],
    ["jitter over 1", (d) => (d.workers.resize.retry.backoffMs.jitter = 1.5)],
    ["a negative jitter", (d) => (d.workers.resize.retry.backoffMs.jitter = -0.1)],
    [
      "an exponential backoff without jitter",
      (d) => delete d.workers.resize.retry.backoffMs.jitter,
    ],
    ["timeoutMs 0", (d) => (d.workers.jobs.timeoutMs = 0)],
    ["timeoutMs over the cap", (d) => (d.workers.jobs.timeoutMs = MAX_DELAY_MS + 1)],
    ["timeoutMs Infinity", (d) => (d.workers.jobs.timeoutMs = Infinity)],
    ["timeoutMs as a string", (d) => (d.workers.jobs.timeoutMs = "5000")],
    ["a rateLimit that is a number", (d) => (d.workers.jobs.rateLimit = 10)],
    ["rateLimit max 0", (d) => (d.workers.jobs.rateLimit.max = 0)],
    ["a fractional rateLimit max", (d) => (d.workers.jobs.rateLimit.max = 2.5)],
    ["a rateLimit without intervalMs", (d) => delete d.workers.jobs.rateLimit.intervalMs],
    ["rateLimit intervalMs under 1", (d) => (d.workers.jobs.rateLimit.intervalMs = 0.5)],
    ["rateLimit intervalMs over the cap", (d) => (d.workers.jobs.rateLimit.intervalMs = 2 ** 31)],
  ];

  it.each(broken)("fails for %s", (_name, breakIt) => {
    const def = handMade();
    breakIt(def);
    expect(hasNormalizedShape(def)).toBe(false);
  });

  it("takes the delays at their bounds, and fractions of a millisecond", () => {
    const def = handMade();
    def.workers.tick.intervalMs = MAX_DELAY_MS;
    def.workers.tick.initialDelayMs = MAX_DELAY_MS;
    def.workers.resize.batch.maxWaitMs = MAX_DELAY_MS;
    expect(hasNormalizedShape(def)).toBe(true);
    def.workers.tick.intervalMs = 1;
    def.workers.tick.initialDelayMs = 0.5;
    expect(hasNormalizedShape(def)).toBe(true);
    delete def.workers.tick.intervalMs;
    delete def.workers.tick.initialDelayMs;
    delete def.workers.resize.batch.maxWaitMs;
    expect(hasNormalizedShape(def)).toBe(true);
  });

  it("takes the policies at their bounds, and without them", () => {
    const def = handMade();
    def.workers.jobs.retry = { attempts: 1, backoffMs: [0, MAX_DELAY_MS, 0.5] };
    def.workers.jobs.timeoutMs = 1;
    def.workers.jobs.rateLimit = { max: 1, intervalMs: MAX_DELAY_MS };
    def.workers.resize.retry.backoffMs = {
      initialMs: 0,
      factor: 1,
      maxMs: MAX_DELAY_MS,
      jitter: 1,
    };
    expect(hasNormalizedShape(def)).toBe(true);
    def.workers.jobs.timeoutMs = MAX_DELAY_MS;
    def.workers.resize.retry.backoffMs = {
      initialMs: MAX_DELAY_MS,
      factor: 1e9,
      maxMs: 0,
      jitter: 0,
    };
    expect(hasNormalizedShape(def)).toBe(true);
    for (const key of ["retry", "timeoutMs", "rateLimit"]) delete def.workers.jobs[key];
    delete def.workers.resize.retry;
    expect(hasNormalizedShape(def)).toBe(true);
  });

  it("holds for the policies validation returns, in every form", async () => {
    const def = await parseDefinition({
      channels: { in: {} },
      workers: {
        a: { kind: "command", in: "in", workerFn: () => 1, retry: {}, timeoutMs: 1 },
        b: { kind: "command", in: "in", workerFn: () => 1, retry: { backoffMs: 5 } },
        c: { kind: "command", in: "in", workerFn: () => 1, retry: { backoffMs: [1, 2] } },
        d: {
          kind: "command",
          in: "in",
          workerFn: () => 1,
          retry: { attempts: 9, backoffMs: { initialMs: 1 } },
          rateLimit: { max: 3, intervalMs: 1.5 },
        },
      },
    });
    expect(hasNormalizedShape({ ...def })).toBe(true);
  });

  it("wants an interval of 1 ms at least, where validation takes a fraction of one", async () => {
    const def = await parseDefinition({
      channels: {},
      workers: { t: { kind: "ticker", intervalMs: 0.5 } },
    });
    expect(isNormalizedDefinition(def)).toBe(true);
    expect(hasNormalizedShape(def)).toBe(false);
  });

  it("does not check transport or subject, nor the rules between fields", () => {
    const def = handMade();
    def.channels.ticks.transport = 42;
    // Validation refuses a dropping buffer of 0 (a rule between two fields); the shape holds.
    def.channels["jobs/out"].bufferType = "dropping";
    // Likewise policies on a ticker (a rule between kind and key).
    def.workers.tick.retry = { attempts: 2, backoffMs: [0] };
    expect(hasNormalizedShape(def)).toBe(true);
  });

  it("fails, without throwing, for a value that throws when read", () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(hasNormalizedShape(proxy)).toBe(false);
    const def = handMade();
    Object.defineProperty(def.workers.jobs, "kind", {
      enumerable: true,
      get() {
        throw new Error("no kind");
      },
    });
    expect(hasNormalizedShape(def)).toBe(false);
  });

  it("narrows to NormalizedDefinition", () => {
    const value: unknown = handMade();
    if (hasNormalizedShape(value)) expectTypeOf(value).toEqualTypeOf<NormalizedDefinition>();
    expectTypeOf(hasNormalizedShape).guards.toEqualTypeOf<NormalizedDefinition>();
  });
});
