// retry (with backoff) and timeoutMs, on fake timers.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startWorkers, type WorkersEvent, type WorkersSystem } from "../src/index.js";

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date", "performance"] });
});
afterEach(() => {
  vi.useRealTimers();
});

interface Ctx {
  attempt: number;
  signal: AbortSignal;
}

async function start(
  worker: Record<string, unknown>,
  events: WorkersEvent[],
): Promise<WorkersSystem<any>> {
  return startWorkers(
    {
      channels: { in: { buffer: 8 }, dead: { buffer: 8 } },
      workers: { w: { kind: "command", in: "in", expose: true, failChan: "dead", ...worker } },
    } as never,
    { obs: (e: WorkersEvent) => events.push(e) },
  );
}

async function stopAll(
  system: WorkersSystem<any>,
  options?: { drain?: boolean; timeoutMs?: number },
) {
  const stopped = system.stop(options);
  await vi.runAllTimersAsync();
  await stopped;
}

describe("retry", () => {
  it("runs a failing message again after each backoff delay; success on a later attempt ends it once", async () => {
    const events: WorkersEvent[] = [];
    const runs: [number, number][] = [];
    const system = await start(
      {
        retry: { attempts: 4, backoffMs: [100, 1000] },
        workerFn: (ctx: Ctx, n: number) => {
          runs.push([ctx.attempt, Date.now()]);
          if (ctx.attempt < 4) throw new Error(`attempt ${ctx.attempt}`);
          return n * 2;
        },
      },
      events,
    );
    const t0 = Date.now();
    const reply = system.request("w", 21);
    await vi.runAllTimersAsync();
    await expect(reply).resolves.toBe(42);
    // Delays 100, then 1000, then 1000 again (the last one repeats).
    expect(runs.map(([a, t]) => [a, t - t0])).toEqual([
      [1, 0],
      [2, 100],
      [3, 1100],
      [4, 2100],
    ]);
    expect(system.stats().workers.w).toMatchObject({ processed: 1, errors: 0, inFlight: 0 });
    expect(events.filter((e) => e.type === "workers.error")).toEqual([]);
    expect(system.channels.dead!.size).toBe(0);
    await stopAll(system);
  });

  it("only the last failure is an error: one event, one fail-channel entry, the request rejects with it", async () => {
    const events: WorkersEvent[] = [];
    const system = await start(
      {
        retry: { attempts: 3, backoffMs: 10 },
        workerFn: async (ctx: Ctx) => {
          throw new Error(`attempt ${ctx.attempt}`);
        },
      },
      events,
    );
    const reply = system.request("w", 1);
    const rejected = expect(reply).rejects.toThrow("attempt 3");
    await vi.runAllTimersAsync();
    await rejected;
    const errors = events.filter((e) => e.type === "workers.error");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ message: "attempt 3", msg: 1 });
    expect(system.channels.dead!.size).toBe(1);
    expect(system.stats().workers.w).toMatchObject({ processed: 0, errors: 1, inFlight: 0 });
    await stopAll(system);
  });

  it("a retry waiting out its backoff holds its concurrency slot", async () => {
    const events: WorkersEvent[] = [];
    const started: number[] = [];
    const system = await start(
      {
        retry: { attempts: 2, backoffMs: 500 },
        workerFn: (ctx: Ctx, n: number) => {
          started.push(n);
          if (n === 1 && ctx.attempt === 1) throw new Error("again");
        },
      },
      events,
    );
    await system.command("w", 1);
    await system.command("w", 2);
    await vi.advanceTimersByTimeAsync(499);
    expect(started).toEqual([1]);
    await vi.advanceTimersByTimeAsync(1);
    expect(started).toEqual([1, 1, 2]);
    await stopAll(system);
  });

  it("stop during a backoff wait: a draining stop runs the retry at once", async () => {
    const events: WorkersEvent[] = [];
    const runs: number[] = [];
    const system = await start(
      {
        retry: { attempts: 2, backoffMs: 60_000 },
        workerFn: (ctx: Ctx) => {
          runs.push(Date.now());
          if (ctx.attempt === 1) throw new Error("first");
          return "ok";
        },
      },
      events,
    );
    const t0 = Date.now();
    const reply = system.request("w", 1);
    await vi.advanceTimersByTimeAsync(10);
    const stopped = system.stop({ timeoutMs: 1000 });
    await vi.advanceTimersByTimeAsync(0);
    await expect(reply).resolves.toBe("ok");
    await stopped;
    expect(runs.map((t) => t - t0)).toEqual([0, 10]);
    expect(events.filter((e) => e.type === "workers.drop")).toEqual([]);
  });

  it("stop during a backoff wait: past the deadline it is a shutdown drop, once", async () => {
    const events: WorkersEvent[] = [];
    let runs = 0;
    const system = await start(
      {
        retry: { attempts: 5, backoffMs: 60_000 },
        workerFn: () => {
          runs++;
          throw new Error("never");
        },
      },
      events,
    );
    const reply = system.request("w", 1);
    const rejected = expect(reply).rejects.toMatchObject({ code: "ERR_STOPPED" });
    await vi.advanceTimersByTimeAsync(10);
    await stopAll(system, { drain: false });
    await rejected;
    expect(runs).toBe(1);
    expect(events.filter((e) => e.type === "workers.drop")).toMatchObject([
      { reason: "shutdown", msg: 1 },
    ]);
    expect(events.filter((e) => e.type === "workers.error")).toEqual([]);
  });
});

describe("timeoutMs", () => {
  it("aborts a run that takes longer, fails it with TimeoutError, ignores its late result", async () => {
    const events: WorkersEvent[] = [];
    let aborted: unknown;
    const system = await start(
      {
        timeoutMs: 50,
        workerFn: (ctx: Ctx) =>
          new Promise((resolve) => {
            ctx.signal.addEventListener("abort", () => {
              aborted = ctx.signal.reason;
            });
            setTimeout(() => resolve("late"), 200);
          }),
      },
      events,
    );
    const reply = system.request("w", 1);
    const rejected = expect(reply).rejects.toMatchObject({ code: "ERR_TIMEOUT", timeoutMs: 50 });
    await vi.advanceTimersByTimeAsync(50);
    await rejected;
    expect(aborted).toMatchObject({ code: "ERR_TIMEOUT" });
    await vi.advanceTimersByTimeAsync(500);
    expect(system.stats().workers.w).toMatchObject({ processed: 0, errors: 1, inFlight: 0 });
    expect(events.filter((e) => e.type === "workers.error")).toMatchObject([
      { message: 'A run of worker "w" timed out after 50 ms' },
    ]);
    await stopAll(system);
  });

  it("each run has its own signal: a timeout aborts only its run's, never one a finished run read", async () => {
    const kept: { msg: string; ctx: Ctx; signal: AbortSignal | undefined }[] = [];
    const system = await start(
      {
        timeoutMs: 50,
        concurrency: 2,
        workerFn: (ctx: Ctx, msg: string) => {
          kept.push({ msg, ctx, signal: msg === "plain" ? undefined : ctx.signal });
          return msg.startsWith("hang") ? new Promise(() => {}) : msg;
        },
      },
      [],
    );
    for (const msg of ["plain", "read", "plain", "hang-1", "plain", "read", "hang-2"]) {
      await system.command("w", msg);
    }
    await vi.advanceTimersByTimeAsync(0);
    expect(kept.map((k) => k.msg)).toEqual([
      "plain",
      "read",
      "plain",
      "hang-1",
      "plain",
      "read",
      "hang-2",
    ]);
    const hangs = kept.filter((k) => k.msg.startsWith("hang"));
    const reads = kept.filter((k) => k.msg === "read");
    expect(hangs[0]!.ctx).not.toBe(hangs[1]!.ctx);
    expect(hangs.some((h) => reads.some((r) => r.ctx === h.ctx))).toBe(false);
    expect(hangs.map((h) => h.signal!.aborted)).toEqual([false, false]);
    await vi.advanceTimersByTimeAsync(50);
    expect(hangs.map((h) => h.signal!.reason)).toMatchObject([
      { code: "ERR_TIMEOUT" },
      { code: "ERR_TIMEOUT" },
    ]);
    expect(reads.map((r) => r.signal!.aborted)).toEqual([false, false]);
    expect(system.stats().workers.w).toMatchObject({ processed: 5, errors: 2, inFlight: 0 });
    await stopAll(system);
  });

  it("retry retries a timed-out run", async () => {
    const events: WorkersEvent[] = [];
    const system = await start(
      {
        timeoutMs: 50,
        retry: { attempts: 2 },
        workerFn: (ctx: Ctx) =>
          ctx.attempt === 1 ? new Promise(() => {}) : Promise.resolve(`attempt ${ctx.attempt}`),
      },
      events,
    );
    const reply = system.request("w", 1);
    await vi.advanceTimersByTimeAsync(50);
    await expect(reply).resolves.toBe("attempt 2");
    await stopAll(system);
  });
});
