import { afterAll, describe, expect, test } from "vitest";
import { ThreadClosedError, ThreadLoadError } from "../../src/errors.js";
import { dispatcher, fixture, task } from "./helpers.js";

const d = dispatcher();
afterAll(() => d.close());

describe("results", () => {
  test("a TypeScript thread worker's result comes back", async () => {
    await d.load([fixture("basic", "echo")]);
    await expect(d.run(task(fixture("basic", "echo"), { a: [1, "x"], b: null }))).resolves.toEqual({
      a: [1, "x"],
      b: null,
    });
  });

  test("async functions resolve; many messages in flight each get their own result", async () => {
    const ref = fixture("basic", "double");
    const results = await Promise.all(Array.from({ length: 300 }, (_, i) => d.run(task(ref, i))));
    expect(results).toEqual(Array.from({ length: 300 }, (_, i) => i * 2));
  });

  test("ctx holds worker, headers and a signal", async () => {
    const ref = fixture("basic", "context");
    const result = await d.run(
      task(ref, null, {
        worker: { name: "ctxWorker", kind: "command", dispatch: "thread", in: "jobs" },
        headers: { traceparent: "00-abc-def-01" },
      }),
    );
    expect(result).toEqual({
      worker: { name: "ctxWorker", kind: "command", dispatch: "thread", in: "jobs" },
      headers: { traceparent: "00-abc-def-01" },
      aborted: false,
    });
  });
});

describe("errors", () => {
  test("a thrown Error is rebuilt with name, message, stack, cause and own properties", async () => {
    const error = await d.run(task(fixture("basic", "fail"), 5)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    const e = error as Error & { code: string; limit: number; cause: Error };
    expect(e.name).toBe("QuotaError");
    expect(e.message).toBe("quota of 5 exceeded");
    expect(e.code).toBe("E_QUOTA");
    expect(e.limit).toBe(5);
    expect(e.stack).toContain("thread-basic.ts");
    expect(e.cause).toBeInstanceOf(RangeError);
    expect(e.cause.message).toBe("too many");
  });

  test("a rejected promise keeps its built-in class", async () => {
    const error = await d.run(task(fixture("basic", "failAsync"), 1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe("bad input");
  });

  test("a non-Error throw rejects with the thrown value itself", async () => {
    const ref = fixture("basic", "throwString");
    await expect(d.run(task(ref, "plain string"))).rejects.toBe("plain string");
    await expect(d.run(task(ref, { reason: 42 }))).rejects.toEqual({ reason: 42 });
  });

  test("errors in a batch stay with their message", async () => {
    const outcomes = await d.runBatch([
      task(fixture("basic", "echo"), 1),
      task(fixture("basic", "fail"), 2),
      task(fixture("basic", "echo"), 3),
    ]);
    expect(outcomes[0]).toEqual({ ok: true, value: 1 });
    expect(outcomes[1]?.ok).toBe(false);
    expect((outcomes[1] as { error: Error }).error.name).toBe("QuotaError");
    expect(outcomes[2]).toEqual({ ok: true, value: 3 });
  });

  test("a message that cannot be cloned fails alone", async () => {
    const echo = fixture("basic", "echo");
    const bad = d.run(task(echo, () => 1));
    const good = d.run(task(echo, "fine"));
    await expect(bad).rejects.toMatchObject({
      code: "ERR_INVALID_MESSAGE",
      cause: { name: "DataCloneError" },
    });
    await expect(good).resolves.toBe("fine");
  });
});

describe("batches", () => {
  test("runBatch runs one worker's messages in order and returns one outcome each", async () => {
    const ref = fixture("channels", "ordered");
    const outcomes = await d.runBatch([1, 2, 3].map((n) => task(ref, { key: "batch-order", n })));
    expect(outcomes).toEqual([
      { ok: true, value: [1] },
      { ok: true, value: [1, 2] },
      { ok: true, value: [1, 2, 3] },
    ]);
  });

  test("an empty batch resolves at once", async () => {
    await expect(d.runBatch([])).resolves.toEqual([]);
  });
});

describe("load", () => {
  test("a module that does not exist fails with the import error as cause", async () => {
    const missing = {
      url: new URL("../fixtures/thread-missing.ts", import.meta.url).href,
      exportName: "x",
    };
    const error = await d.load([fixture("basic", "echo"), missing]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ThreadLoadError);
    expect((error as ThreadLoadError).code).toBe("ERR_THREAD_LOAD");
    expect((error as ThreadLoadError).url).toBe(missing.url);
    expect(((error as Error).cause as { code: string }).code).toBe("ERR_MODULE_NOT_FOUND");
  });

  test("a module that throws while loading fails with that error as cause", async () => {
    const error = await d.load([fixture("broken", "default")]).catch((e: unknown) => e);
    expect((error as ThreadLoadError).code).toBe("ERR_THREAD_LOAD");
    expect(((error as Error).cause as Error).message).toBe("broken module: cannot start");
  });

  test("an export that is not a function fails load, naming the exports", async () => {
    const error = await d.load([fixture("basic", "notAFunction")]).catch((e: unknown) => e);
    expect((error as ThreadLoadError).code).toBe("ERR_THREAD_LOAD");
    expect((error as ThreadLoadError).exportName).toBe("notAFunction");
    expect((error as Error).cause).toBeInstanceOf(TypeError);
  });

  test("running a message of a module that does not load fails that message", async () => {
    const error = await d.run(task(fixture("broken", "default"), 1)).catch((e: unknown) => e);
    expect((error as Error).message).toBe("broken module: cannot start");
  });
});

describe("stats and close", () => {
  test("stats report threads, queue, completed and timings", async () => {
    await d.run(task(fixture("basic", "echo"), 1));
    const stats = d.stats();
    expect(stats.threads).toBeGreaterThanOrEqual(1);
    expect(stats.queueSize).toBe(0);
    expect(stats.completed).toBeGreaterThan(0);
    expect(stats.utilization).toBeGreaterThan(0);
    expect(stats.utilization).toBeLessThanOrEqual(1);
    for (const key of ["p50", "p95", "p99", "max"] as const) {
      expect(stats.runTimeMs[key]).toBeGreaterThanOrEqual(0);
      expect(stats.waitTimeMs[key]).toBeGreaterThanOrEqual(0);
    }
    expect(stats.runTimeMs.max).toBeGreaterThan(0);
  });

  test("after close, run and load are refused", async () => {
    const other = dispatcher();
    await other.run(task(fixture("basic", "echo"), 1));
    await other.close();
    await expect(other.run(task(fixture("basic", "echo"), 1))).rejects.toBeInstanceOf(
      ThreadClosedError,
    );
    await expect(other.runBatch([task(fixture("basic", "echo"), 1)])).rejects.toMatchObject({
      code: "ERR_THREAD_CLOSED",
    });
    await expect(other.load([fixture("basic", "echo")])).rejects.toMatchObject({
      code: "ERR_THREAD_CLOSED",
    });
    await other.close();
  });
});
