import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startWorkers } from "../src/index.js";
import { latch, recorder } from "./helpers.js";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("tickers", () => {
  it("offers tick numbers 0, 1, 2 ... to out, first after initialDelayMs (default intervalMs)", async () => {
    const system = await startWorkers({
      channels: { ticks: { buffer: 10 } },
      workers: { t: { kind: "ticker", intervalMs: 100, out: "ticks" } },
    });
    await vi.advanceTimersByTimeAsync(99);
    expect(system.channels.ticks.size).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(system.channels.ticks.poll()).toBe(0);
    await vi.advanceTimersByTimeAsync(200);
    expect([system.channels.ticks.poll(), system.channels.ticks.poll()]).toEqual([1, 2]);
    expect(system.stats().workers.t).toMatchObject({
      kind: "ticker",
      processed: 3,
      skippedTicks: 0,
    });
    await system.stop();
  });

  it("honours initialDelayMs", async () => {
    const times: number[] = [];
    const start = Date.now();
    const system = await startWorkers({
      channels: {},
      workers: {
        t: {
          kind: "ticker",
          intervalMs: 100,
          initialDelayMs: 0,
          workerFn: () => {
            times.push(Date.now() - start);
          },
        },
      },
    });
    await vi.advanceTimersByTimeAsync(250);
    expect(times).toEqual([0, 100, 200]);
    await system.stop();
  });

  it("does not drift: ticks stay on the grid however long each tick takes", async () => {
    const times: number[] = [];
    const start = performance.now();
    const system = await startWorkers({
      channels: {},
      workers: {
        t: {
          kind: "ticker",
          intervalMs: 100,
          workerFn: async () => {
            times.push(performance.now() - start);
            await new Promise((resolve) => setTimeout(resolve, 30));
          },
        },
      },
    });
    await vi.advanceTimersByTimeAsync(450);
    expect(times).toEqual([100, 200, 300, 400]);
    await system.stop();
  });

  it("a refused offer is a ticker-output-drop", async () => {
    const rec = recorder();
    const system = await startWorkers(
      {
        channels: { ticks: { buffer: 1 } },
        workers: { t: { kind: "ticker", intervalMs: 10, out: "ticks" } },
      },
      { obs: rec.emit },
    );
    await vi.advanceTimersByTimeAsync(20);
    expect(rec.of("workers.drop").map(({ at: _at, ...d }) => d)).toEqual([
      {
        type: "workers.drop",
        workerId: "t",
        channel: "ticks",
        reason: "ticker-output-drop",
        msg: 1,
      },
    ]);
    await system.stop();
  });

  it("skips (and counts) a slot while the previous tick still runs: no overlap", async () => {
    const gate = latch();
    const ticks: number[] = [];
    let running = 0;
    let maxRunning = 0;
    const system = await startWorkers({
      channels: {},
      workers: {
        t: {
          kind: "ticker",
          intervalMs: 10,
          workerFn: async (_c: unknown, n: number) => {
            ticks.push(n);
            running++;
            maxRunning = Math.max(maxRunning, running);
            if (n === 0) await gate.promise;
            running--;
          },
        },
      },
    });
    await vi.advanceTimersByTimeAsync(35); // slots 0, 1, 2 fall at 10, 20, 30; 1 and 2 find 0 running
    gate.resolve();
    await vi.advanceTimersByTimeAsync(10); // slot 3 at 40
    expect(ticks).toEqual([0, 3]);
    expect(maxRunning).toBe(1);
    expect(system.stats().workers.t!.skippedTicks).toBe(2);
    await system.stop();
  });

  it("after a stall, missed slots are skipped (gap in tick numbers), never fired in a burst", async () => {
    const ticks: number[] = [];
    const system = await startWorkers({
      channels: {},
      workers: {
        t: {
          kind: "ticker",
          intervalMs: 10,
          workerFn: (_c: unknown, n: number) => {
            ticks.push(n);
            if (n === 1) vi.advanceTimersByTime(35); // the event loop is blocked 35 ms
          },
        },
      },
    });
    await vi.advanceTimersByTimeAsync(50);
    // Slot 1 (at 20) ran until 55: slots 2 and 3 (30, 40) were missed and are skipped; the
    // current slot 4 (50) fires once, late, then the grid resumes at 60.
    expect(ticks.slice(0, 4)).toEqual([0, 1, 4, 5]);
    expect(system.stats().workers.t!.skippedTicks).toBe(2);
    await system.stop();
  });

  it("a ticker function's result goes to outputChan and its errors are reported", async () => {
    const rec = recorder();
    const system = await startWorkers(
      {
        channels: { out: { buffer: 4 }, errors: { buffer: 4 } },
        workers: {
          t: {
            kind: "ticker",
            intervalMs: 10,
            outputChan: "out",
            failChan: "errors",
            workerFn: (_c: unknown, n: number) => {
              if (n === 1) throw new Error("odd tick");
              return { tick: n };
            },
          },
        },
      },
      { obs: rec.emit },
    );
    await vi.advanceTimersByTimeAsync(30);
    await system.stop();
    expect([system.channels.out.poll(), system.channels.out.poll()]).toEqual([
      { tick: 0 },
      { tick: 2 },
    ]);
    const [error] = rec.of("workers.error");
    expect(error).toEqual({
      type: "workers.error",
      workerId: "t",
      workerKind: "ticker",
      message: "odd tick",
      msg: 1,
      error: expect.any(Error),
      failChan: "errors",
      at: expect.any(Number),
    });
    expect(system.channels.errors.poll()).toEqual(error);
    expect(system.stats().workers.t).toMatchObject({ processed: 2, errors: 1 });
  });
});
