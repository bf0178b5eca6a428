import { PendingLimitError } from "@workers/channels";
import { defineWorkers } from "@workers/config";
import { afterEach, describe, expect, it } from "vitest";
import {
  InvalidMessageError,
  NotExposedError,
  StoppedError,
  startWorkers,
  type WorkersSystem,
} from "../src/index.js";
import { flush, latch, recorder } from "./helpers.js";

const systems: WorkersSystem<any>[] = [];
afterEach(async () => {
  await Promise.all(systems.splice(0).map((s) => s.stop({ drain: false })));
});

function track<S extends WorkersSystem<any>>(system: S): S {
  systems.push(system);
  return system;
}

describe("command", () => {
  it("delivers messages to the worker in order, one at a time by default", async () => {
    const seen: number[] = [];
    let running = 0;
    let maxRunning = 0;
    const system = track(
      await startWorkers(
        defineWorkers({
          channels: { in: { buffer: 16 } },
          workers: {
            w: {
              kind: "command",
              in: "in",
              expose: true,
              workerFn: async (_ctx: unknown, n: number) => {
                running++;
                maxRunning = Math.max(maxRunning, running);
                await flush();
                seen.push(n);
                running--;
              },
            },
          },
        }),
      ),
    );
    for (let i = 0; i < 10; i++) expect(await system.command("w", i)).toBe(true);
    await system.stop();
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(maxRunning).toBe(1);
  });

  it("runs up to `concurrency` messages at once", async () => {
    const gates = Array.from({ length: 6 }, () => latch());
    let running = 0;
    let maxRunning = 0;
    const system = track(
      await startWorkers(
        defineWorkers({
          channels: { in: { buffer: 16 } },
          workers: {
            w: {
              kind: "command",
              in: "in",
              expose: true,
              concurrency: 3,
              workerFn: async (_ctx: unknown, n: number) => {
                running++;
                maxRunning = Math.max(maxRunning, running);
                await gates[n]!.promise;
                running--;
              },
            },
          },
        }),
      ),
    );
    for (let i = 0; i < 6; i++) await system.command("w", i);
    await flush();
    expect(running).toBe(3);
    expect(system.stats().workers.w!.inFlight).toBe(3);
    gates[1]!.resolve();
    await flush();
    expect(running).toBe(3);
    for (const g of gates) g.resolve();
    await system.stop();
    expect(maxRunning).toBe(3);
    expect(system.stats().workers.w!.processed).toBe(6);
  });

  it("async put mode queues a pending put when the buffer is full", async () => {
    const gate = latch();
    const system = track(
      await startWorkers({
        channels: { in: { buffer: 1, putMode: "async" } },
        workers: {
          w: { kind: "command", in: "in", expose: true, workerFn: () => gate.promise },
        },
      }),
    );
    await system.command("w", 1); // taken by the worker, which waits
    await flush();
    await system.command("w", 2); // buffered
    expect(await system.command("w", 3)).toBe(true); // pending put
    expect(system.channels.in.pendingPuts).toBe(1);
    gate.resolve();
    await system.stop();
    expect(system.stats().workers.w!.processed).toBe(3);
  });

  it("async put mode reports the pending-put limit as a coded error and loses nothing", async () => {
    const gate = latch();
    const system = track(
      await startWorkers({
        channels: { in: { buffer: 0 } },
        workers: { w: { kind: "command", in: "in", expose: true, workerFn: () => gate.promise } },
      }),
    );
    await system.command("w", -1);
    await flush();
    for (let i = 0; i < 1024; i++) await system.command("w", i);
    await expect(system.command("w", 1024)).rejects.toBeInstanceOf(PendingLimitError);
    gate.resolve();
    await system.stop();
    expect(system.stats().workers.w!.processed).toBe(1025);
  });

  it("block put mode waits for room (backpressure to the caller)", async () => {
    const gate = latch();
    const system = track(
      await startWorkers({
        channels: { in: { buffer: 1, putMode: "block" } },
        workers: { w: { kind: "command", in: "in", expose: true, workerFn: () => gate.promise } },
      }),
    );
    await system.command("w", 1);
    await flush();
    await system.command("w", 2);
    let accepted: boolean | undefined;
    void system.command("w", 3).then((a) => {
      accepted = a;
    });
    await flush();
    expect(accepted).toBeUndefined();
    gate.resolve();
    await flush();
    expect(accepted).toBe(true);
    await system.stop();
  });

  it("drop put mode refuses when full and emits an input-drop", async () => {
    const rec = recorder();
    const gate = latch();
    const system = track(
      await startWorkers(
        {
          channels: { in: { buffer: 1, putMode: "drop" } },
          workers: {
            w: { kind: "command", in: "in", expose: true, workerFn: () => gate.promise },
          },
        },
        { obs: rec.emit },
      ),
    );
    expect(await system.command("w", 1)).toBe(true);
    await flush();
    expect(await system.command("w", 2)).toBe(true);
    expect(await system.command("w", 3)).toBe(false);
    const [drop] = rec.of("workers.drop");
    expect(drop).toEqual({
      type: "workers.drop",
      workerId: "w",
      channel: "in",
      reason: "input-drop",
      msg: 3,
      at: expect.any(Number),
    });
    expect(system.stats().drops.in).toBe(1);
    gate.resolve();
    await system.stop();
  });

  it("rejects unknown and unexposed workers, undefined messages, and commands after stop", async () => {
    const system = await startWorkers({
      channels: { a: {}, b: {} },
      workers: {
        open: { kind: "command", in: "a", expose: true, workerFn: () => {} },
        hidden: { kind: "command", in: "b", workerFn: () => {} },
      },
    });
    const unknown = system.command("nope" as never, 1);
    await expect(unknown).rejects.toBeInstanceOf(NotExposedError);
    await expect(unknown).rejects.toMatchObject({ code: "ERR_NOT_EXPOSED" });
    await expect(system.command("hidden" as never, 1)).rejects.toMatchObject({
      code: "ERR_NOT_EXPOSED",
    });
    await expect(system.request("hidden" as never, 1)).rejects.toMatchObject({
      code: "ERR_NOT_EXPOSED",
    });
    await expect(system.command("open", undefined as never)).rejects.toBeInstanceOf(
      InvalidMessageError,
    );
    await expect(system.request("open", undefined as never)).rejects.toMatchObject({
      code: "ERR_INVALID_MESSAGE",
    });
    const stopping = system.stop();
    expect(system.state).toBe("stopping");
    await expect(system.command("open", 1)).rejects.toBeInstanceOf(StoppedError);
    await expect(system.request("open", 1)).rejects.toMatchObject({ code: "ERR_STOPPED" });
    await stopping;
    expect(system.state).toBe("stopped");
    await expect(system.command("open", 1)).rejects.toMatchObject({ code: "ERR_STOPPED" });
  });

  it("processes raw values put straight onto an input channel, with empty headers", async () => {
    const seen: unknown[] = [];
    const system = track(
      await startWorkers({
        channels: { in: { buffer: 2 } },
        workers: {
          w: {
            kind: "command",
            in: "in",
            workerFn: (ctx: { headers: unknown }, msg: unknown) => {
              seen.push([msg, ctx.headers]);
            },
          },
        },
      }),
    );
    await system.channels.in.put({ raw: true });
    await system.stop();
    expect(seen).toEqual([[{ raw: true }, {}]]);
  });

  it("gives the worker the documented ctx", async () => {
    let ctx: any;
    const components = { db: { name: "db" } };
    const system = track(
      await startWorkers(
        {
          channels: { in: { buffer: 1 }, other: { buffer: 1 } },
          workers: {
            w: {
              kind: "command",
              in: "in",
              expose: true,
              workerFn: (c: unknown) => {
                ctx = c;
              },
            },
          },
        },
        components,
      ),
    );
    await system.request("w", 1);
    expect(ctx.components).toBe(components);
    expect(Object.keys(ctx.channels)).toEqual(["in", "other"]);
    expect(ctx.worker).toEqual({ name: "w", kind: "command", dispatch: "go", in: "in" });
    expect(ctx.headers).toEqual({});
    expect(ctx.signal).toBeInstanceOf(AbortSignal);
    expect(ctx.stats().workers.w).toBeDefined();
    expect(typeof ctx.emit).toBe("function");
    await system.stop();
  });
});
