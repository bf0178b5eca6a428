import { getEventListeners } from "node:events";
import { defineWorkers } from "@workers/config";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DroppedError, StoppedError, startWorkers, TimeoutError } from "../src/index.js";
import { flush, latch, recorder } from "./helpers.js";

afterEach(() => {
  vi.useRealTimers();
});

describe("request", () => {
  it("resolves with the worker's return value (sync or async)", async () => {
    const system = await startWorkers(
      defineWorkers({
        channels: { a: { buffer: 1 }, b: { buffer: 1 } },
        workers: {
          double: { kind: "command", in: "a", expose: true, workerFn: (_c, n: number) => n * 2 },
          later: {
            kind: "command",
            in: "b",
            expose: true,
            workerFn: async (_c, s: string) => `${s}!`,
          },
        },
      }),
    );
    await expect(system.request("double", 21)).resolves.toBe(42);
    await expect(system.request("later", "hi")).resolves.toBe("hi!");
    await system.stop();
  });

  it("rejects with the worker's own error, which is also emitted and counted", async () => {
    const rec = recorder();
    const boom = new Error("boom");
    const system = await startWorkers(
      {
        channels: { in: { buffer: 1 } },
        workers: {
          w: {
            kind: "command",
            in: "in",
            expose: true,
            workerFn: () => {
              throw boom;
            },
          },
        },
      },
      { obs: rec.emit },
    );
    await expect(system.request("w", 1)).rejects.toBe(boom);
    expect(rec.of("workers.error")).toHaveLength(1);
    expect(system.stats().errors.w).toBe(1);
    await system.stop();
  });

  it("rejects with DroppedError when a drop put mode refuses the message", async () => {
    const gate = latch();
    const system = await startWorkers({
      channels: { in: { buffer: 1, putMode: "drop" } },
      workers: { w: { kind: "command", in: "in", expose: true, workerFn: () => gate.promise } },
    });
    void system.command("w", 1);
    await flush();
    void system.command("w", 2);
    const refused = system.request("w", 3);
    await expect(refused).rejects.toBeInstanceOf(DroppedError);
    await expect(refused).rejects.toMatchObject({
      code: "ERR_DROPPED",
      reason: "input-drop",
      channel: "in",
    });
    gate.resolve();
    await system.stop();
  });

  it("rejects with DroppedError when a sliding buffer evicts the message", async () => {
    const rec = recorder();
    const gate = latch();
    const system = await startWorkers(
      {
        channels: { in: { buffer: 1, bufferType: "sliding" } },
        workers: { w: { kind: "command", in: "in", expose: true, workerFn: () => gate.promise } },
      },
      { obs: rec.emit },
    );
    void system.command("w", 1);
    await flush();
    const evicted = system.request("w", 2);
    void system.command("w", 3);
    await expect(evicted).rejects.toMatchObject({ code: "ERR_DROPPED", reason: "buffer-evicted" });
    expect(rec.of("workers.drop")).toEqual([
      {
        type: "workers.drop",
        workerId: "w",
        channel: "in",
        reason: "buffer-evicted",
        msg: 2,
        at: expect.any(Number),
      },
    ]);
    gate.resolve();
    await system.stop();
  });

  it("rejects with TimeoutError after timeoutMs and aborts the worker's ctx.signal", async () => {
    vi.useFakeTimers();
    let signal: AbortSignal | undefined;
    const system = await startWorkers({
      channels: { in: { buffer: 1 } },
      workers: {
        w: {
          kind: "command",
          in: "in",
          expose: true,
          workerFn: (ctx: { signal: AbortSignal }) => {
            signal = ctx.signal;
            return new Promise((_resolve, reject) => {
              ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason));
            });
          },
        },
      },
    });
    const pending = system.request("w", 1, { timeoutMs: 500 });
    const outcome = pending.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(499);
    expect(signal?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const error = await outcome;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ code: "ERR_TIMEOUT", timeoutMs: 500 });
    expect(signal?.aborted).toBe(true);
    await system.stop();
    // The worker rejected after the abort: a failure, counted once.
    expect(system.stats().workers.w!.errors).toBe(1);
  });

  it("rejects with the signal's reason when aborted", async () => {
    const gate = latch();
    const system = await startWorkers({
      channels: { in: { buffer: 1 } },
      workers: { w: { kind: "command", in: "in", expose: true, workerFn: () => gate.promise } },
    });
    const controller = new AbortController();
    const pending = system.request("w", 1, { signal: controller.signal });
    const reason = new Error("caller gave up");
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    const already = system.request("w", 2, { signal: controller.signal });
    await expect(already).rejects.toBe(reason);
    gate.resolve();
    await system.stop();
  });

  it("many requests sharing one signal: one abort listener, no warning, all reject with the reason", async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning);
    };
    process.on("warning", onWarning);
    try {
      const gate = latch();
      const system = await startWorkers({
        channels: { in: { buffer: 64 } },
        workers: { w: { kind: "command", in: "in", expose: true, workerFn: () => gate.promise } },
      });
      const controller = new AbortController();
      const requests = Array.from({ length: 50 }, (_, i) =>
        system.request("w", i, { signal: controller.signal }),
      );
      const outcomes = Promise.allSettled(requests);
      await flush();
      expect(getEventListeners(controller.signal, "abort")).toHaveLength(1);
      const reason = new Error("caller gave up");
      controller.abort(reason);
      const settled = await outcomes;
      expect(settled.every((o) => o.status === "rejected" && o.reason === reason)).toBe(true);
      expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
      gate.resolve();
      await system.stop();
      await flush();
      expect(warnings.filter((w) => w.name === "MaxListenersExceededWarning")).toEqual([]);
    } finally {
      process.off("warning", onWarning);
    }
  });

  it("many requests sharing one signal leave no abort listener once they all settle", async () => {
    const gate = latch();
    const system = await startWorkers({
      channels: { in: { buffer: 64 } },
      workers: {
        w: {
          kind: "command",
          in: "in",
          expose: true,
          workerFn: async (_c, n: number) => {
            await gate.promise;
            return n;
          },
        },
      },
    });
    const { signal } = new AbortController();
    const requests = Array.from({ length: 50 }, (_, i) => system.request("w", i, { signal }));
    await flush();
    expect(getEventListeners(signal, "abort")).toHaveLength(1);
    gate.resolve();
    expect(await Promise.all(requests)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(getEventListeners(signal, "abort")).toHaveLength(0);
    // A later request on the same signal registers (and removes) a listener again.
    await expect(system.request("w", 7, { signal })).resolves.toBe(7);
    expect(getEventListeners(signal, "abort")).toHaveLength(0);
    await system.stop();
  });

  it("rejects with StoppedError when stop drops the buffered message", async () => {
    const gate = latch();
    const system = await startWorkers({
      channels: { in: { buffer: 2 } },
      workers: { w: { kind: "command", in: "in", expose: true, workerFn: () => gate.promise } },
    });
    const first = system.request("w", 1);
    await flush();
    const second = system.request("w", 2);
    const stopping = system.stop({ drain: false });
    gate.resolve();
    await expect(second).rejects.toBeInstanceOf(StoppedError);
    await stopping;
    // The first was in flight and finished within the abort grace period.
    await expect(first).resolves.toBeUndefined();
  });

  it("block mode: a timeout while the put waits cancels the put (nothing accepted)", async () => {
    vi.useFakeTimers();
    const gate = latch();
    const system = await startWorkers({
      channels: { in: { buffer: 0, putMode: "block" } },
      workers: { w: { kind: "command", in: "in", expose: true, workerFn: () => gate.promise } },
    });
    void system.command("w", 1);
    await vi.advanceTimersByTimeAsync(0);
    const pending = system.request("w", 2, { timeoutMs: 100 }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(0);
    expect(system.channels.in.pendingPuts).toBe(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(await pending).toBeInstanceOf(TimeoutError);
    expect(system.channels.in.pendingPuts).toBe(0);
    gate.resolve();
    await system.stop();
    expect(system.stats().workers.w!.processed).toBe(1);
  });
});
