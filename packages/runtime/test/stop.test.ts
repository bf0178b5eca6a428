import { afterEach, describe, expect, it, vi } from "vitest";
import { StoppedError, startWorkers, type WorkersSystem } from "../src/index.js";
import { flush, latch, recorder } from "./helpers.js";

afterEach(() => {
  vi.useRealTimers();
});

const slow = (gate: Promise<unknown>, seen: number[]) => ({
  channels: { in: { buffer: 8 }, out: { buffer: 8 } },
  workers: {
    w: {
      kind: "command" as const,
      in: "in",
      expose: true,
      outputChan: "out",
      workerFn: async (_c: unknown, n: number) => {
        await gate;
        seen.push(n);
        return n;
      },
    },
  },
});

describe("stop", () => {
  it("drains buffered and in-flight work by default, then closes the channels", async () => {
    const gate = latch();
    const seen: number[] = [];
    const rec = recorder();
    const system = await startWorkers(slow(gate.promise, seen), { obs: rec.emit });
    for (let i = 0; i < 5; i++) await system.command("w", i);
    const stopping = system.stop();
    gate.resolve();
    await stopping;
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(system.channels.in.closed).toBe(true);
    expect(system.channels.out.closed).toBe(true);
    // Results stay takeable after close.
    expect(system.channels.out.size).toBe(5);
    expect(rec.of("workers.drop")).toEqual([]);
    expect(rec.of("workers.stop")).toEqual([
      {
        type: "workers.stop",
        drain: true,
        timedOut: false,
        shutdownDrops: 0,
        remaining: 0,
        durationMs: expect.any(Number),
        at: expect.any(Number),
      },
    ]);
  });

  it("without drain, buffered messages become shutdown drops and nothing new starts", async () => {
    const gate = latch();
    const seen: number[] = [];
    const rec = recorder();
    const system = await startWorkers(slow(gate.promise, seen), { obs: rec.emit });
    for (let i = 0; i < 4; i++) await system.command("w", i);
    await flush();
    const stopping = system.stop({ drain: false });
    gate.resolve();
    await stopping;
    expect(seen).toEqual([0]);
    expect(rec.of("workers.drop").map((d) => [d.reason, d.channel, d.workerId, d.msg])).toEqual([
      ["shutdown", "in", "w", 1],
      ["shutdown", "in", "w", 2],
      ["shutdown", "in", "w", 3],
    ]);
    expect(system.stats().drops.in).toBe(3);
    expect(rec.of("workers.stop")[0]).toMatchObject({ drain: false, shutdownDrops: 3 });
  });

  it("at the deadline aborts in-flight work through ctx.signal", async () => {
    vi.useFakeTimers();
    const rec = recorder();
    let aborted: unknown;
    const system = await startWorkers(
      {
        channels: { in: { buffer: 4 } },
        workers: {
          w: {
            kind: "command",
            in: "in",
            expose: true,
            workerFn: (ctx: { signal: AbortSignal }) =>
              new Promise((_resolve, reject) => {
                ctx.signal.addEventListener("abort", () => {
                  aborted = ctx.signal.reason;
                  reject(ctx.signal.reason);
                });
              }),
          },
        },
      },
      { obs: rec.emit },
    );
    await system.command("w", 1);
    await system.command("w", 2);
    let done = false;
    const stopping = system.stop({ timeoutMs: 1000 }).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(999);
    expect(aborted).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(aborted).toBeInstanceOf(StoppedError);
    await vi.advanceTimersByTimeAsync(0);
    await stopping;
    expect(done).toBe(true);
    // The aborted message settled (as a failure); the buffered one is a shutdown drop.
    expect(system.stats().workers.w).toMatchObject({ errors: 1, processed: 0, inFlight: 0 });
    expect(rec.of("workers.drop").map((d) => [d.reason, d.msg])).toEqual([["shutdown", 2]]);
    expect(rec.of("workers.stop")[0]).toMatchObject({ timedOut: true, shutdownDrops: 1 });
  });

  it("work that ignores the abort is reported as a shutdown drop; its late outcome is ignored", async () => {
    vi.useFakeTimers();
    const rec = recorder();
    const gate = latch<number>();
    const system = await startWorkers(
      {
        channels: { in: { buffer: 4 }, out: { buffer: 4 } },
        workers: {
          w: {
            kind: "command",
            in: "in",
            expose: true,
            outputChan: "out",
            workerFn: () => gate.promise,
          },
        },
      },
      { obs: rec.emit },
    );
    const reply = system.request("w", "stuck").catch((e: unknown) => e);
    const stopping = system.stop({ drain: false });
    await vi.advanceTimersByTimeAsync(100);
    await stopping;
    expect(rec.of("workers.drop").map((d) => [d.reason, d.msg])).toEqual([["shutdown", "stuck"]]);
    expect(await reply).toBeInstanceOf(StoppedError);
    gate.resolve(5);
    await flush();
    expect(system.stats().workers.w).toMatchObject({ processed: 0, errors: 0, inFlight: 0 });
    expect(system.channels.out.size).toBe(0);
  });

  it("is idempotent: concurrent and later callers share one stop", async () => {
    const rec = recorder();
    const system = await startWorkers(
      { channels: { in: {} }, workers: { w: { kind: "command", in: "in", workerFn: () => {} } } },
      { obs: rec.emit },
    );
    const a = system.stop();
    const b = system.stop({ drain: false });
    expect(b).toBe(a);
    await a;
    expect(system.stop()).toBe(a);
    await system[Symbol.asyncDispose]();
    expect(rec.of("workers.stop")).toHaveLength(1);
  });

  it("supports await using", async () => {
    let system: WorkersSystem<any> | undefined;
    {
      await using s = await startWorkers({
        channels: { in: {} },
        workers: { w: { kind: "command", in: "in", workerFn: () => {} } },
      });
      system = s;
      expect(s.state).toBe("running");
    }
    expect(system?.state).toBe("stopped");
  });

  it("a put parked by block mode is drained, or dropped without drain", async () => {
    for (const drain of [true, false]) {
      const gate = latch();
      const rec = recorder();
      const seen: number[] = [];
      const system = await startWorkers(
        {
          channels: { in: { buffer: 0, putMode: "block" } },
          workers: {
            w: {
              kind: "command",
              in: "in",
              expose: true,
              workerFn: async (_c: unknown, n: number) => {
                await gate.promise;
                seen.push(n);
              },
            },
          },
        },
        { obs: rec.emit },
      );
      await system.command("w", 1);
      await flush();
      const parked = system.command("w", 2);
      await flush();
      expect(system.channels.in.pendingPuts).toBe(1);
      const stopping = system.stop({ drain });
      gate.resolve();
      await stopping;
      expect(await parked).toBe(true);
      if (drain) expect(seen).toEqual([1, 2]);
      else {
        expect(seen).toEqual([1]);
        expect(rec.of("workers.drop").map((d) => [d.reason, d.msg])).toEqual([["shutdown", 2]]);
      }
    }
  });

  it("stops tickers at once", async () => {
    vi.useFakeTimers();
    const ticks: number[] = [];
    const system = await startWorkers({
      channels: {},
      workers: {
        t: {
          kind: "ticker",
          intervalMs: 10,
          workerFn: (_c: unknown, n: number) => {
            ticks.push(n);
          },
        },
      },
    });
    await vi.advanceTimersByTimeAsync(25);
    await system.stop();
    await vi.advanceTimersByTimeAsync(100);
    expect(ticks).toEqual([0, 1]);
  });
});

describe("draining a pipeline", () => {
  it("waits for results on their way to the next worker: nothing is dropped", async () => {
    const rec = recorder();
    const seen: number[] = [];
    const system = await startWorkers(
      {
        channels: { a: { buffer: 4 }, b: { buffer: 4 }, c: { buffer: 4 } },
        workers: {
          first: {
            kind: "command",
            in: "a",
            expose: true,
            outputChan: "b",
            workerFn: async (_c: unknown, n: number) => n,
          },
          second: {
            kind: "command",
            in: "b",
            outputChan: "c",
            workerFn: async (_c: unknown, n: number) => {
              await flush();
              return n;
            },
          },
          third: {
            kind: "command",
            in: "c",
            workerFn: (_c: unknown, n: number) => {
              seen.push(n);
            },
          },
        },
      },
      { obs: rec.emit },
    );
    for (let i = 0; i < 3; i++) await system.command("first", i);
    await system.stop();
    expect(rec.of("workers.drop")).toEqual([]);
    expect(seen).toEqual([0, 1, 2]);
  });
});
