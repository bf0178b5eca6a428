// pause/resume, startWorkers(.., { paused: true }) and rateLimit, on fake timers.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startWorkers, type WorkersEvent, type WorkersSystem } from "../src/index.js";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe("pause and resume", () => {
  it("a paused worker takes nothing new while its running message finishes; resume takes again", async () => {
    const started: number[] = [];
    const first = gate();
    const system: WorkersSystem<any> = await startWorkers(
      {
        channels: { in: { buffer: 8 } },
        workers: {
          w: {
            kind: "command",
            in: "in",
            expose: true,
            workerFn: async (_c: unknown, n: number) => {
              started.push(n);
              if (n === 0) await first.promise;
            },
          },
        },
      } as never,
      { obs: () => {} },
    );
    await system.command("w", 0);
    await vi.advanceTimersByTimeAsync(1);
    system.pause("w");
    for (const n of [1, 2]) await system.command("w", n);
    first.open();
    await vi.advanceTimersByTimeAsync(1000);
    expect(started).toEqual([0]);
    expect(system.stats().workers.w).toMatchObject({ paused: true, processed: 1, inFlight: 0 });
    expect(system.stats().channels.in!.size).toBe(2);
    system.resume("w");
    await system.onIdle();
    expect(started).toEqual([0, 1, 2]);
    expect(system.stats().workers.w!.paused).toBe(false);
    await system.stop();
  });

  it("a worker that pauses itself runs nothing more of its buffered messages until resumed", async () => {
    const started: number[] = [];
    const system: WorkersSystem<any> = await startWorkers(
      {
        channels: { in: { buffer: 8 } },
        workers: {
          w: {
            kind: "command",
            in: "in",
            expose: true,
            workerFn: (_c: unknown, n: number) => {
              started.push(n);
              if (n === 1) system.pause("w");
            },
          },
        },
      } as never,
      { obs: () => {} },
    );
    // Not awaited: the loop finds 1-3 buffered behind 0, a burst it runs synchronously.
    for (const n of [0, 1, 2, 3]) void system.command("w", n);
    await vi.advanceTimersByTimeAsync(1);
    expect(started).toEqual([0, 1]);
    expect(system.stats().channels.in!.size).toBe(2);
    system.resume("w");
    await system.onIdle();
    expect(started).toEqual([0, 1, 2, 3]);
    await system.stop();
  });

  it("a worker that stops its system without draining runs nothing more of its buffered messages", async () => {
    const started: number[] = [];
    const drops: unknown[] = [];
    let stopping: Promise<void> | undefined;
    const system: WorkersSystem<any> = await startWorkers(
      {
        channels: { in: { buffer: 8 } },
        workers: {
          w: {
            kind: "command",
            in: "in",
            expose: true,
            workerFn: (_c: unknown, n: number) => {
              started.push(n);
              if (n === 1) stopping = system.stop({ drain: false });
            },
          },
        },
      } as never,
      {
        obs: (e: WorkersEvent) => {
          if (e.type === "workers.drop") drops.push(e.msg);
        },
      },
    );
    for (const n of [0, 1, 2, 3]) void system.command("w", n);
    await vi.advanceTimersByTimeAsync(1);
    await stopping;
    expect(started).toEqual([0, 1]);
    expect(drops).toEqual([2, 3]);
    expect(system.stats().workers.w!.processed).toBe(2);
  });

  it("starts paused with { paused: true }; a draining stop does not resume: what waits is a shutdown drop", async () => {
    const events: WorkersEvent[] = [];
    const seen: number[] = [];
    const system: WorkersSystem<any> = await startWorkers(
      {
        channels: { in: { buffer: 4 }, ticks: { buffer: 4 } },
        workers: {
          w: {
            kind: "command",
            in: "in",
            expose: true,
            workerFn: (_c: unknown, n: number) => {
              seen.push(n);
            },
          },
          t: { kind: "ticker", intervalMs: 10, out: "ticks" },
        },
      } as never,
      { obs: (e: WorkersEvent) => events.push(e) },
      { paused: true },
    );
    await system.command("w", 1);
    await vi.advanceTimersByTimeAsync(55);
    expect(seen).toEqual([]);
    expect(system.stats().workers.t).toMatchObject({ paused: true, processed: 0 });
    expect(system.stats().workers.t!.skippedTicks).toBeGreaterThanOrEqual(5);
    await system.stop({ timeoutMs: 1000 });
    expect(events.filter((e) => e.type === "workers.drop")).toMatchObject([
      { reason: "shutdown", msg: 1 },
    ]);
    expect(events.at(-1)).toMatchObject({ type: "workers.stop", timedOut: false });
  });

  it("pause() and resume() without a name act on every worker; an unknown name is refused", async () => {
    const system: WorkersSystem<any> = await startWorkers(
      {
        channels: { a: { buffer: 1 }, b: { buffer: 1 } },
        workers: {
          x: { kind: "command", in: "a", workerFn: () => {} },
          y: { kind: "command", in: "b", workerFn: () => {} },
        },
      } as never,
      { obs: () => {} },
    );
    system.pause();
    expect(Object.values(system.stats().workers).map((w) => w.paused)).toEqual([true, true]);
    system.resume();
    expect(Object.values(system.stats().workers).map((w) => w.paused)).toEqual([false, false]);
    expect(() => system.pause("nope")).toThrow(
      expect.objectContaining({
        code: "ERR_INVALID_ARGUMENT",
        message: expect.stringMatching(/"x", "y"/),
      }),
    );
    await system.stop();
  });

  it("onIdle waits for a paused worker's input to be taken", async () => {
    const system: WorkersSystem<any> = await startWorkers(
      {
        channels: { in: { buffer: 4 } },
        workers: { w: { kind: "command", in: "in", expose: true, workerFn: () => {} } },
      } as never,
      { obs: () => {} },
      { paused: true },
    );
    await system.onIdle(); // nothing waiting: idle although paused
    await system.command("w", 1);
    let idle = false;
    const waiting = system.onIdle().then(() => {
      idle = true;
    });
    await vi.advanceTimersByTimeAsync(100);
    expect(idle).toBe(false);
    system.resume();
    await waiting;
    expect(system.stats().workers.w!.processed).toBe(1);
    await system.stop();
  });
});

describe("rateLimit", () => {
  beforeEach(() => {
    // The limiter reads the monotonic clock (performance.now): fake it with the timers.
    vi.useRealTimers();
    vi.useFakeTimers({
      toFake: ["setTimeout", "clearTimeout", "Date", "performance"],
    });
  });

  it("never starts more than max runs in any window, and keeps the rate over 10 s of virtual time", async () => {
    const starts: number[] = [];
    const system: WorkersSystem<any> = await startWorkers(
      {
        channels: { in: { buffer: 1000 } },
        workers: {
          w: {
            kind: "command",
            in: "in",
            expose: true,
            concurrency: 4,
            rateLimit: { max: 5, intervalMs: 100 },
            workerFn: async () => {
              starts.push(performance.now());
              await new Promise((r) => setTimeout(r, 7));
            },
          },
        },
      } as never,
      { obs: () => {} },
    );
    const t0 = performance.now();
    for (let i = 0; i < 600; i++) await system.command("w", i);
    await vi.advanceTimersByTimeAsync(10_000);
    for (let i = 0; i < starts.length; i++) {
      const inWindow = starts.filter((t) => t >= starts[i]! && t < starts[i]! + 100).length;
      expect(inWindow).toBeLessThanOrEqual(5);
    }
    // 5 per 100 ms for 10 s: 500 runs (the first window starts at once), within 1%.
    const inTenSeconds = starts.filter((t) => t < t0 + 10_000).length;
    expect(Math.abs(inTenSeconds - 500)).toBeLessThanOrEqual(5);
    // The rest waits in the channel: backpressure unchanged.
    expect(system.stats().channels.in!.size).toBeGreaterThan(0);
    const stopped = system.stop({ drain: false });
    await vi.runAllTimersAsync();
    await stopped;
  });
});

describe("command options", () => {
  async function blocked(): Promise<{
    system: WorkersSystem<any>;
    seen: number[];
    release: () => void;
  }> {
    const seen: number[] = [];
    const hold = gate();
    const system: WorkersSystem<any> = await startWorkers(
      {
        channels: { in: { buffer: 1, putMode: "block" } },
        workers: {
          w: {
            kind: "command",
            in: "in",
            expose: true,
            workerFn: async (_c: unknown, n: number) => {
              seen.push(n);
              await hold.promise;
            },
          },
        },
      } as never,
      { obs: () => {} },
    );
    await system.command("w", 0); // running, held
    await vi.advanceTimersByTimeAsync(1);
    await system.command("w", 1); // buffered: the channel is full now
    return { system, seen, release: hold.open };
  }

  it("a block-mode command gives up after timeoutMs: TimeoutError, the message not accepted", async () => {
    const { system, seen, release } = await blocked();
    const late = system.command("w", 2, { timeoutMs: 100 });
    const rejected = expect(late).rejects.toMatchObject({ code: "ERR_TIMEOUT", timeoutMs: 100 });
    await vi.advanceTimersByTimeAsync(100);
    await rejected;
    expect(system.stats().channels.in).toMatchObject({ size: 1, pendingPuts: 0 });
    release();
    await system.onIdle();
    expect(seen).toEqual([0, 1]);
    await system.stop();
  });

  it("gives up when its signal aborts, with the signal's reason; accepted when room comes first", async () => {
    const { system, seen, release } = await blocked();
    const controller = new AbortController();
    const aborted = system.command("w", 2, { signal: controller.signal });
    const accepted = system.command("w", 3, { timeoutMs: 10_000 });
    controller.abort(new Error("caller gave up"));
    await expect(aborted).rejects.toThrow("caller gave up");
    release();
    await expect(accepted).resolves.toBe(true);
    await system.onIdle();
    expect(seen).toEqual([0, 1, 3]);
    await expect(system.command("w", 4, { timeoutMs: -1 })).rejects.toMatchObject({
      code: "ERR_INVALID_ARGUMENT",
    });
    await expect(system.command("w", 4, { signal: "x" as never })).rejects.toMatchObject({
      code: "ERR_INVALID_ARGUMENT",
    });
    await system.stop();
  });
});
