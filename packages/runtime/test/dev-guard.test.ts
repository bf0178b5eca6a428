import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startWorkers } from "../src/index.js";
import { recorder } from "./helpers.js";

beforeEach(() => {
  // performance.now is faked too: a worker "blocks" by moving the clock synchronously.
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const block = (ms: number): void => {
  vi.advanceTimersByTime(ms);
};

function definition(workerFn: (ctx: unknown, msg: unknown) => unknown) {
  return {
    channels: { in: { buffer: 4 } },
    workers: { w: { kind: "command" as const, in: "in", expose: true, workerFn } },
  };
}

describe("dev guard", () => {
  it("reports a synchronous stretch over guardMs with the worker, the time and the message", async () => {
    const rec = recorder();
    const system = await startWorkers(
      definition(() => block(80)),
      { obs: rec.emit },
      { devGuard: true, guardMs: 50 },
    );
    await system.request("w", { job: 1 });
    await system.stop();
    expect(rec.of("workers.guard")).toEqual([
      {
        type: "workers.guard",
        workerId: "w",
        blockedMs: 80,
        msg: { job: 1 },
        message: expect.stringContaining('dispatch: "thread"'),
        at: expect.any(Number),
      },
    ]);
  });

  it("watches every stretch, not only the first: each resumption after an await", async () => {
    const rec = recorder();
    const system = await startWorkers(
      definition(async () => {
        block(10);
        await Promise.resolve();
        block(70);
        await new Promise((resolve) => setTimeout(resolve, 5));
        block(90);
      }),
      { obs: rec.emit },
      { devGuard: true, guardMs: 50 },
    );
    const reply = system.request("w", 1);
    await vi.advanceTimersByTimeAsync(5);
    await reply;
    await system.stop();
    expect(rec.of("workers.guard").map((g) => g.blockedMs)).toEqual([70, 90]);
  });

  it("attributes callbacks the worker scheduled to the worker", async () => {
    const rec = recorder();
    const system = await startWorkers(
      definition(() => {
        // queueMicrotask is not faked: a real async resource created by the worker.
        queueMicrotask(() => block(60));
      }),
      { obs: rec.emit },
      { devGuard: true, guardMs: 50 },
    );
    await system.request("w", "m");
    await system.stop();
    expect(rec.of("workers.guard").map((g) => [g.workerId, g.blockedMs, g.msg])).toEqual([
      ["w", 60, "m"],
    ]);
  });

  it("watches ticker functions", async () => {
    const rec = recorder();
    const system = await startWorkers(
      {
        channels: {},
        workers: { t: { kind: "ticker", intervalMs: 100, workerFn: () => block(55) } },
      },
      { obs: rec.emit },
      { devGuard: true, guardMs: 50 },
    );
    await vi.advanceTimersByTimeAsync(100);
    await system.stop();
    const guards = rec.of("workers.guard");
    expect(guards[0]).toMatchObject({ workerId: "t", msg: 0, blockedMs: 55 });
    expect(guards.every((g) => g.workerId === "t")).toBe(true);
  });

  it("stays quiet under guardMs and when off", async () => {
    const rec = recorder();
    const quiet = await startWorkers(
      definition(() => block(40)),
      { obs: rec.emit },
      { devGuard: true, guardMs: 50 },
    );
    await quiet.request("w", 1);
    await quiet.stop();
    const off = await startWorkers(
      definition(() => block(400)),
      { obs: rec.emit },
    );
    await off.request("w", 1);
    await off.stop();
    expect(rec.of("workers.guard")).toEqual([]);
  });

  it("defaults guardMs to 50", async () => {
    const rec = recorder();
    const system = await startWorkers(
      definition((_c, ms) => block(ms as number)),
      { obs: rec.emit },
      { devGuard: true },
    );
    await system.request("w", 50);
    await system.request("w", 51);
    await system.stop();
    expect(rec.of("workers.guard").map((g) => g.blockedMs)).toEqual([51]);
  });
});
