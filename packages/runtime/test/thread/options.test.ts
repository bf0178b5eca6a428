import { describe, expect, test } from "vitest";
import { defaultMaxThreads, resolveThreadOptions } from "../../src/dispatch/thread/options.js";
import { ThreadOptionsError } from "../../src/errors.js";

describe("thread options", () => {
  test("defaults suit a 2-core machine: two threads, started on demand", () => {
    expect(resolveThreadOptions({}, 2)).toEqual({
      min: 1,
      max: 2,
      idleTimeoutMs: 30_000,
      maxQueue: 4096,
      concurrentTasksPerThread: 4,
      resourceLimits: undefined,
      setup: null,
      shutdownTimeoutMs: 5000,
      execArgv: undefined,
      inheritLoaders: true,
    });
  });

  test("defaults suit a 64-core machine: one thread per core but the event loop's", () => {
    const resolved = resolveThreadOptions({}, 64);
    expect(resolved.max).toBe(63);
    expect(resolved.min).toBe(1);
    expect(resolved.maxQueue).toBe(63 * 1024);
    expect(defaultMaxThreads(1)).toBe(2);
  });

  test("given values are kept", () => {
    const resolved = resolveThreadOptions(
      {
        min: 2,
        max: 3,
        idleTimeoutMs: 0,
        maxQueue: 10,
        concurrentTasksPerThread: 1,
        resourceLimits: { maxOldGenerationSizeMb: 64 },
        setup: "./setup.js",
        shutdownTimeoutMs: 100,
        execArgv: ["--x"],
        inheritLoaders: false,
      },
      8,
    );
    expect(resolved).toEqual({
      min: 2,
      max: 3,
      idleTimeoutMs: 0,
      maxQueue: 10,
      concurrentTasksPerThread: 1,
      resourceLimits: { maxOldGenerationSizeMb: 64 },
      setup: "./setup.js",
      shutdownTimeoutMs: 100,
      execArgv: ["--x"],
      inheritLoaders: false,
    });
  });

  test.each([
    [{ max: 0 }],
    [{ max: 1.5 }],
    [{ min: -1 }],
    [{ min: 3, max: 2 }],
    [{ maxQueue: 0 }],
    [{ idleTimeoutMs: -5 }],
    [{ concurrentTasksPerThread: 0 }],
    [{ max: "2" as unknown as number }],
    [{ shutdownTimeoutMs: 0 }],
    [{ shutdownTimeoutMs: 2 ** 31 }],
    [{ execArgv: "--x" as unknown as string[] }],
    [{ execArgv: ["--x", 1] as unknown as string[] }],
    [{ inheritLoaders: "no" as unknown as boolean }],
  ])("rejects %o with ERR_THREAD_OPTIONS", (options) => {
    expect(() => resolveThreadOptions(options, 4)).toThrow(ThreadOptionsError);
    try {
      resolveThreadOptions(options, 4);
    } catch (error) {
      expect((error as ThreadOptionsError).code).toBe("ERR_THREAD_OPTIONS");
    }
  });
});
