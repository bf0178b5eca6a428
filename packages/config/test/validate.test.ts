import { describe, expect, it } from "vitest";
import {
  ConfigError,
  defineWorkers,
  isNormalizedDefinition,
  parseDefinition,
  validateDefinition,
} from "../src/index.js";

const baseUrl = new URL("./fixtures/", import.meta.url);
const fixtures = new URL("./fixtures/workers.js", import.meta.url).href;

describe("validateDefinition", () => {
  it("fills in channel and worker defaults", async () => {
    const handle = (_ctx: unknown, msg: number) => msg * 2;
    const result = await validateDefinition({
      channels: { in: {}, out: { buffer: 3, bufferType: "sliding" } },
      workers: { w: { kind: "command", in: "in", workerFn: handle, outputChan: "out" } },
    });
    expect(result).toEqual({
      ok: true,
      warnings: [],
      definition: {
        channels: {
          in: { buffer: 0, bufferType: "fixed", putMode: "async" },
          out: { buffer: 3, bufferType: "sliding", putMode: "async" },
        },
        workers: {
          w: {
            name: "w",
            kind: "command",
            in: "in",
            workerFn: handle,
            dispatch: "go",
            expose: false,
            outputChan: "out",
            concurrency: 1,
          },
        },
      },
    });
  });

  it("fills in ticker defaults: intervalMs 1000 and initialDelayMs = intervalMs", async () => {
    const def = await parseDefinition({
      channels: { ticks: { buffer: 1 } },
      workers: {
        a: { kind: "ticker", out: "ticks" },
        b: { kind: "ticker", out: "ticks", intervalMs: 250 },
        c: { kind: "ticker", out: "ticks", intervalMs: 250, initialDelayMs: 0 },
      },
    });
    expect(def.workers.a).toMatchObject({ intervalMs: 1000, initialDelayMs: 1000, out: "ticks" });
    expect(def.workers.b).toMatchObject({ intervalMs: 250, initialDelayMs: 250 });
    expect(def.workers.c).toMatchObject({ intervalMs: 250, initialDelayMs: 0 });
    expect(def.workers.a?.expose).toBe(false);
    expect(def.workers.a).not.toHaveProperty("in");
  });

  it("resolves references relative to baseUrl, with #default when there is no fragment", async () => {
    const def = await parseDefinition(
      {
        channels: { in: { buffer: 1 } },
        workers: {
          named: {
            kind: "command",
            in: "in",
            workerFn: "./workers.js#commands",
            dispatch: "thread",
          },
          fallback: { kind: "command", in: "in", workerFn: "./workers.js" },
        },
      },
      { baseUrl },
    );
    const mod = await import("./fixtures/workers.js");
    expect(def.workers.named?.workerFn).toBe(mod.commands);
    expect(def.workers.named?.workerRef).toEqual({ url: fixtures, exportName: "commands" });
    expect(def.workers.fallback?.workerFn).toBe(mod.default);
    expect(def.workers.fallback?.workerRef).toEqual({ url: fixtures, exportName: "default" });
  });

  it("has no workerRef for inline functions", async () => {
    const def = await parseDefinition({
      channels: { in: {} },
      workers: { w: { kind: "command", in: "in", workerFn: () => 1 } },
    });
    expect(def.workers.w).not.toHaveProperty("workerRef");
  });

  it("keeps batch settings of thread workers, maxWaitMs defaulting to 0", async () => {
    const def = await parseDefinition(
      {
        channels: { in: { buffer: 64 } },
        workers: {
          w: {
            kind: "command",
            in: "in",
            workerFn: "./workers.js#commands",
            dispatch: "thread",
            batch: { size: 16 },
          },
        },
      },
      { baseUrl },
    );
    expect(def.workers.w?.batch).toEqual({ size: 16, maxWaitMs: 0 });
  });

  describe("worker policies", () => {
    const policies = async (worker: Record<string, unknown>) => {
      const def = await parseDefinition({
        channels: { in: {} },
        workers: { w: { kind: "command", in: "in", workerFn: () => 1, ...worker } },
      });
      const { retry, timeoutMs, rateLimit } = def.workers.w ?? {};
      return { retry, timeoutMs, rateLimit };
    };

    it("are absent when not written", async () => {
      const def = await parseDefinition({
        channels: { in: {} },
        workers: { w: { kind: "command", in: "in", workerFn: () => 1 } },
      });
      expect(def.workers.w).not.toHaveProperty("retry");
      expect(def.workers.w).not.toHaveProperty("timeoutMs");
      expect(def.workers.w).not.toHaveProperty("rateLimit");
    });

    it("retry: {} is one attempt with no delay, a number backoff a list of one", async () => {
      expect((await policies({ retry: {} })).retry).toEqual({ attempts: 1, backoffMs: [0] });
      expect((await policies({ retry: { attempts: 3, backoffMs: 250 } })).retry).toEqual({
        attempts: 3,
        backoffMs: [250],
      });
    });

    it("keeps a backoff list as written", async () => {
      const backoffMs = [100, 1000, 0.5];
      const { retry } = await policies({ retry: { attempts: 5, backoffMs } });
      expect(retry).toEqual({ attempts: 5, backoffMs: [100, 1000, 0.5] });
      expect(retry?.backoffMs).not.toBe(backoffMs);
    });

    it("fills in an exponential backoff: factor 2, maxMs 2147483647, jitter 0", async () => {
      expect((await policies({ retry: { backoffMs: { initialMs: 100 } } })).retry).toEqual({
        attempts: 1,
        backoffMs: { initialMs: 100, factor: 2, maxMs: 2_147_483_647, jitter: 0 },
      });
      const written = { initialMs: 0, factor: 1, maxMs: 0, jitter: 1 };
      expect((await policies({ retry: { attempts: 2, backoffMs: written } })).retry).toEqual({
        attempts: 2,
        backoffMs: written,
      });
    });

    it("keeps timeoutMs and rateLimit at their bounds", async () => {
      expect(
        await policies({ timeoutMs: 2_147_483_647, rateLimit: { max: 1, intervalMs: 1 } }),
      ).toEqual({
        retry: undefined,
        timeoutMs: 2_147_483_647,
        rateLimit: { max: 1, intervalMs: 1 },
      });
    });

    it("reads the kebab-case spellings", async () => {
      const kebab = await policies({
        retry: { attempts: 4, "backoff-ms": { "initial-ms": 10, "max-ms": 80, jitter: 0.1 } },
        "timeout-ms": 5000,
        "rate-limit": { max: 2, "interval-ms": 1000 },
      });
      expect(kebab).toEqual(
        await policies({
          retry: { attempts: 4, backoffMs: { initialMs: 10, maxMs: 80, jitter: 0.1 } },
          timeoutMs: 5000,
          rateLimit: { max: 2, intervalMs: 1000 },
        }),
      );
    });

    it("reports every policy problem at once, at the spelling written", async () => {
      const result = await validateDefinition({
        channels: { in: {} },
        workers: {
          w: {
            kind: "command",
            in: "in",
            workerFn: () => 1,
            retry: { attempts: 0, "backoff-ms": { "initial-ms": -1, factor: 0 } },
            "timeout-ms": 0,
            rateLimit: { max: 0, "interval-ms": 2 ** 31 },
          },
          t: { kind: "ticker", retry: {}, timeoutMs: 5, rateLimit: { max: 1, intervalMs: 1 } },
        },
      });
      expect(result.ok ? [] : result.issues.map((i) => `${i.path.join(".")} ${i.code}`)).toEqual([
        "workers.w.retry.attempts out-of-range",
        "workers.w.retry.backoff-ms.initial-ms out-of-range",
        "workers.w.retry.backoff-ms.factor out-of-range",
        "workers.w.timeout-ms out-of-range",
        "workers.w.rateLimit.max out-of-range",
        "workers.w.rateLimit.interval-ms out-of-range",
        "workers.t.retry command-only-key",
        "workers.t.timeoutMs command-only-key",
        "workers.t.rateLimit command-only-key",
      ]);
    });
  });

  it("returns a normalized definition unchanged when validated again", async () => {
    const def = await parseDefinition(
      {
        channels: { in: {} },
        workers: { w: { kind: "command", in: "in", workerFn: "./workers.js", dispatch: "thread" } },
      },
      { baseUrl },
    );
    expect(isNormalizedDefinition(def)).toBe(true);
    expect(isNormalizedDefinition({ channels: {}, workers: {} })).toBe(false);
    expect(await parseDefinition(def)).toBe(def);
    expect(Object.keys(def)).toEqual(["channels", "workers"]);
  });

  it("reports every issue at once", async () => {
    const result = await validateDefinition({
      channels: { in: { buffer: -1 }, d: { bufferType: "dropping" } },
      workers: {
        a: { kind: "command", in: "missing", workerFn: () => 1 },
        b: { kind: "ticker", expose: true },
      },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => [i.code, i.path])).toEqual([
      ["out-of-range", ["channels", "in", "buffer"]],
      ["undeclared-channel", ["workers", "a", "in"]],
      ["expose-on-ticker", ["workers", "b", "expose"]],
      ["zero-size-buffer", ["channels", "d", "buffer"]],
    ]);
  });

  it("warns about channels nobody reads or writes, and idle tickers", async () => {
    const result = await validateDefinition({
      channels: { in: {}, lonely: { buffer: 1 } },
      workers: { w: { kind: "command", in: "in", workerFn: () => 1 }, t: { kind: "ticker" } },
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.warnings.map((i) => [i.code, i.path])).toEqual([
      ["unused-channel", ["channels", "lonely"]],
      ["ticker-without-target", ["workers", "t"]],
    ]);
  });
});

describe("parseDefinition", () => {
  it("throws a ConfigError listing every issue as path: message", async () => {
    const error = await parseDefinition({
      channels: {},
      workers: { "image-store": { kind: "command", in: "images/store", workerFn: () => 1 } },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    const e = error as ConfigError;
    expect(e.code).toBe("ERR_CONFIG");
    expect(e.issues).toHaveLength(1);
    expect(e.issues[0]).toMatchObject({
      code: "undeclared-channel",
      path: ["workers", "image-store", "in"],
    });
    expect(e.message).toContain('workers["image-store"].in: ');
  });

  it("carries an import error as the cause", async () => {
    const error = (await parseDefinition(
      {
        channels: { in: {} },
        workers: { w: { kind: "command", in: "in", workerFn: "./throws-on-load.js" } },
      },
      { baseUrl },
    ).catch((e: unknown) => e)) as ConfigError;
    expect(error.issues[0]?.code).toBe("module-load-failed");
    expect((error.issues[0]!.cause as Error).message).toBe("boom at load");
    expect((error.cause as Error).message).toBe("boom at load");
  });
});

describe("defineWorkers", () => {
  it("returns its argument", () => {
    const def = { workers: { t: { kind: "ticker" as const } } };
    expect(defineWorkers(def)).toBe(def);
  });
});
