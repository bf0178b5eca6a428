import { afterEach, describe, expect, it, vi } from "vitest";
import { type StatsSnapshot, startWorkers, type WorkersSystem } from "../src/index.js";
import { Histogram } from "../src/observability/histogram.js";
import { latch } from "./helpers.js";

afterEach(() => {
  vi.useRealTimers();
});

describe("latency histogram", () => {
  it("gives percentiles within a bucket's width (~3%) and the exact max", () => {
    const h = new Histogram();
    for (let i = 1; i <= 1000; i++) h.record(i); // 1..1000 ms
    const s = h.summary();
    expect(s.p50).toBeGreaterThan(500 * 0.97);
    expect(s.p50).toBeLessThan(500 * 1.03);
    expect(s.p95).toBeGreaterThan(950 * 0.97);
    expect(s.p95).toBeLessThan(950 * 1.03);
    expect(s.p99).toBeGreaterThan(990 * 0.97);
    expect(s.p99).toBeLessThanOrEqual(1000);
    expect(s.max).toBe(1000);
  });

  it("is exact below 32 microseconds and never reports above the max", () => {
    const h = new Histogram();
    for (const us of [1, 2, 3, 4]) h.record(us / 1000);
    expect(h.summary()).toEqual({ p50: 0.002, p95: 0.004, p99: 0.004, max: 0.004 });
  });

  it("stays bounded: huge, zero and negative values land in the edge buckets", () => {
    const h = new Histogram();
    h.record(10 * 3600 * 1000); // ten hours
    h.record(0);
    h.record(-1);
    expect(h.count).toBe(3);
    expect(h.summary().max).toBe(10 * 3600 * 1000);
    expect(h.summary().p50).toBe(0);
  });

  it("reports zeros when empty", () => {
    expect(new Histogram().summary()).toEqual({ p50: 0, p95: 0, p99: 0, max: 0 });
  });

  it("covers the last 60 s: older durations leave the summary, a p99 never goes stale", () => {
    let now = 1_000_000;
    const h = new Histogram(() => now);
    h.record(500); // a slow outlier
    for (let i = 0; i < 99; i++) h.record(1);
    expect(h.summary().max).toBe(500);
    now += 30_000;
    for (let i = 0; i < 100; i++) h.record(2);
    expect(h.summary()).toMatchObject({ max: 500 });
    now += 31_000; // the outlier's slice is now older than 60 s
    expect(h.summary().max).toBe(2);
    expect(h.summary().p99).toBeGreaterThan(1.9);
    now += 60_000;
    expect(h.summary()).toEqual({ p50: 0, p95: 0, p99: 0, max: 0 });
    expect(h.count).toBe(200);
    h.record(3); // a slice is reused for a new period
    expect(h.summary().max).toBe(3);
    expect(h.summary().p50).toBeCloseTo(3, 0);
  });
});

describe("stats()", () => {
  it("is plain JSON with the documented superset shape", async () => {
    vi.useFakeTimers();
    const gate = latch();
    const system = await startWorkers({
      channels: {
        in: { buffer: 2 },
        slide: { buffer: 1, bufferType: "sliding" },
        errors: { buffer: 1 },
      },
      workers: {
        w: {
          kind: "command",
          in: "in",
          expose: true,
          failChan: "errors",
          workerFn: async (_c: unknown, n: number) => {
            if (n === 0) throw new Error("zero");
            vi.advanceTimersByTime(n);
            await gate.promise;
            return n;
          },
        },
        t: { kind: "ticker", intervalMs: 1000, out: "slide" },
      },
    });
    await system.command("w", 0);
    await system.command("w", 5);
    await vi.advanceTimersByTimeAsync(0);
    await system.command("w", 7);
    await vi.advanceTimersByTimeAsync(2000);
    const running = system.stats();
    expect(JSON.parse(JSON.stringify(running))).toEqual(running);
    expect(running).toEqual({
      at: expect.any(Number),
      uptimeMs: expect.any(Number),
      drops: { in: 0, slide: 1, errors: 0 },
      errors: { w: 1, t: 0 },
      workers: {
        w: {
          kind: "command",
          dispatch: "go",
          processed: 0,
          errors: 1,
          inFlight: 1,
          skippedTicks: 0,
          paused: false,
          rate: expect.any(Number),
          latencyMs: expect.any(Object),
        },
        t: {
          kind: "ticker",
          dispatch: "go",
          processed: 2,
          errors: 0,
          inFlight: 0,
          skippedTicks: 0,
          paused: false,
          rate: expect.any(Number),
          latencyMs: { p50: 0, p95: 0, p99: 0, max: 0 },
        },
      },
      channels: {
        in: {
          size: 1,
          capacity: 2,
          bufferType: "fixed",
          pendingPuts: 0,
          pendingTakes: 0,
          drops: 0,
          closed: false,
          rate: expect.any(Number),
        },
        slide: {
          size: 1,
          capacity: 1,
          bufferType: "sliding",
          pendingPuts: 0,
          pendingTakes: 0,
          drops: 1,
          closed: false,
          rate: expect.any(Number),
        },
        errors: {
          size: 1,
          capacity: 1,
          bufferType: "fixed",
          pendingPuts: 0,
          pendingTakes: 0,
          drops: 0,
          closed: false,
          rate: expect.any(Number),
        },
      },
    });
    expect(running.uptimeMs).toBe(2005); // 2000 ms advanced, plus 5 ms the worker took
    gate.resolve();
    const stopping = system.stop();
    await vi.advanceTimersByTimeAsync(0);
    await stopping;
    const done = system.stats();
    expect(done.workers.w).toMatchObject({ processed: 2, errors: 1, inFlight: 0 });
    // Timed: 0 (threw at once), 5 (5 ms, then waited on the gate through the 2 s advanced),
    // 7 (7 ms, the gate open by then).
    expect(done.workers.w!.latencyMs.max).toBe(2005);
    expect(done.workers.w!.latencyMs.p50).toBeGreaterThanOrEqual(7 * 0.97);
    expect(done.workers.w!.latencyMs.p50).toBeLessThanOrEqual(7 * 1.03);
    expect(done.channels.in!.closed).toBe(true);
    expect(system.stats()).not.toHaveProperty("threads");
  });

  it("ctx.stats() returns the current snapshot", async () => {
    let seen: unknown;
    const system = await startWorkers({
      channels: { in: { buffer: 1 } },
      workers: {
        w: {
          kind: "command",
          in: "in",
          expose: true,
          workerFn: (ctx: { stats(): unknown }) => {
            seen = ctx.stats();
          },
        },
      },
    });
    await system.request("w", 1);
    await system.stop();
    expect(seen).toMatchObject({ workers: { w: { processed: 0 } } });
  });
});

describe("latency sampling", () => {
  it("times a worker's first 64 messages, then one in 128, however they arrive", async () => {
    vi.useFakeTimers({ toFake: ["performance"] });
    // Message i takes (i % 128) + 1 ms of (fake) time: the 128th, 256th, ... message of the
    // worker (i = 127, 255, ...) takes 128 ms and every other message less, so the maximum
    // is 128 ms only if those are the ones timed after the first 64.
    const system: WorkersSystem<any> = await startWorkers(
      {
        channels: { in: { buffer: 1000 } },
        workers: {
          w: {
            kind: "command",
            in: "in",
            expose: true,
            workerFn: (_c: unknown, i: number) => {
              vi.advanceTimersByTime((i % 128) + 1);
              return i;
            },
          },
        },
      } as never,
      { obs: () => {} },
    );
    // Bare values and requests' envelopes mixed, in bursts of 100 (one drain each).
    const requests: Promise<unknown>[] = [];
    for (let i = 0; i < 1000; i++) {
      if (i % 10 === 3) requests.push(system.request("w", i));
      else void system.command("w", i);
      if (i % 100 === 99) await system.onIdle();
    }
    await Promise.all(requests);
    const { latencyMs, processed } = system.stats().workers.w!;
    expect(processed).toBe(1000);
    expect(latencyMs.max).toBe(128);
    await system.stop();
  });
});

/**
 * 20 messages a second to each of `workers` for 12 s of fake time, reading stats every second
 * as a dashboard would; returns the last reading.
 */
async function feedFor12s(
  system: WorkersSystem<any>,
  workers: readonly string[],
): Promise<StatsSnapshot> {
  let last = system.stats();
  for (let s = 0; s < 12; s++) {
    for (let i = 0; i < 20; i++) {
      for (const w of workers) await system.command(w, i);
      await vi.advanceTimersByTimeAsync(50);
    }
    last = system.stats();
  }
  return last;
}

describe("rate", () => {
  it("of an output channel counts only the results it accepted: not undefined results, not output drops", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date", "performance"] });
    const system: WorkersSystem<any> = await startWorkers(
      {
        channels: { a: { buffer: 100 }, b: { buffer: 100 }, half: { buffer: 1000 }, none: {} },
        workers: {
          // Every other result is undefined: nothing to send.
          w1: {
            kind: "command",
            in: "a",
            expose: true,
            outputChan: "half",
            workerFn: (_c: unknown, n: number) => (n % 2 === 0 ? n : undefined),
          },
          // An unbuffered output nobody takes from: every result is an output drop.
          w2: {
            kind: "command",
            in: "b",
            expose: true,
            outputChan: "none",
            workerFn: (_c: unknown, n: number) => n,
          },
        },
      } as never,
      { obs: () => {} },
    );
    const last = await feedFor12s(system, ["w1", "w2"]);
    expect(last.workers.w1!.rate).toBeCloseTo(20, 0);
    expect(last.channels.half!.rate).toBeCloseTo(10, 0);
    expect(last.workers.w2!.rate).toBeCloseTo(20, 0);
    expect(last.channels.none!.rate).toBe(0);
    expect(last.drops.none).toBe(240);
    const stopped = system.stop();
    await vi.runAllTimersAsync();
    await stopped;
  });

  it("is messages a second over the last 10 s, for workers and channels, and falls when work stops", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date", "performance"] });
    const system: WorkersSystem<any> = await startWorkers(
      {
        channels: { in: { buffer: 100 }, out: { buffer: 1000 } },
        workers: {
          w: {
            kind: "command",
            in: "in",
            expose: true,
            outputChan: "out",
            workerFn: (_c: unknown, n: number) => n,
          },
        },
      } as never,
      { obs: () => {} },
    );
    let last = await feedFor12s(system, ["w"]);
    expect(last.workers.w!.rate).toBeCloseTo(20, 0);
    expect(last.channels.in!.rate).toBeCloseTo(20, 0);
    expect(last.channels.out!.rate).toBeCloseTo(20, 0);
    // Idle for 10 s: the window holds nothing.
    for (let s = 0; s < 11; s++) {
      await vi.advanceTimersByTimeAsync(1000);
      last = system.stats();
    }
    expect(last.workers.w!.rate).toBe(0);
    expect(last.channels.in!.rate).toBe(0);
    const stopped = system.stop();
    await vi.runAllTimersAsync();
    await stopped;
  });
});
