// Thread dispatch end to end: startWorkers with `dispatch: "thread"` on the real pool.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  startWorkers,
  TimeoutError,
  type WorkersEvent,
  type WorkersSystem,
} from "../../src/index.js";
import { latch, started, track, tsxExecArgv } from "./helpers.js";

const threads = { min: 1, max: 2, execArgv: tsxExecArgv };
type WaitAsync = (
  array: Int32Array,
  index: number,
  value: number,
) => { async: false; value: string } | { async: true; value: Promise<string> };
const baseUrl = import.meta.url;
const ref = (name: string) => `../fixtures/thread-workers.ts#${name}`;

const definition = {
  channels: {
    "square/in": { buffer: 16 },
    "charge/in": { buffer: 4 },
    "wait/in": { buffer: 4 },
    "forward/in": { buffer: 4 },
    "batch/in": { buffer: 64 },
    squares: { buffer: 16 },
    events: { buffer: 16 },
    forwarded: { buffer: 1 },
    errors: { buffer: 8 },
  },
  workers: {
    square: {
      kind: "command",
      in: "square/in",
      workerFn: ref("square"),
      dispatch: "thread",
      expose: true,
      outputChan: "squares",
      concurrency: 4,
    },
    charge: {
      kind: "command",
      in: "charge/in",
      workerFn: ref("charge"),
      dispatch: "thread",
      expose: true,
      failChan: "errors",
    },
    wait: {
      kind: "command",
      in: "wait/in",
      workerFn: ref("waitForAbort"),
      dispatch: "thread",
      expose: true,
      concurrency: 2,
    },
    forward: {
      kind: "command",
      in: "forward/in",
      workerFn: ref("forward"),
      dispatch: "thread",
      expose: true,
    },
    batched: {
      kind: "command",
      in: "batch/in",
      workerFn: ref("increment"),
      dispatch: "thread",
      expose: true,
      batch: { size: 8, maxWaitMs: 0 },
    },
  },
} as const;

let system: WorkersSystem;
const events: WorkersEvent[] = [];

beforeAll(async () => {
  system = await startWorkers(
    definition,
    { obs: (e: WorkersEvent) => events.push(e) },
    { threads, baseUrl },
  );
});
afterAll(() => system.stop());

describe("thread workers through startWorkers", () => {
  test("request resolves with the thread's result; command results reach the output channel", async () => {
    await expect(system.request("square", 12)).resolves.toBe(144);
    await system.command("square", 3);
    // Results go to the output channel whether they came from a request or a command.
    await expect(system.channels.squares?.take()).resolves.toBe(144);
    await expect(system.channels.squares?.take()).resolves.toBe(9);
    const stats = system.stats();
    expect(stats.threads?.threads).toBeGreaterThanOrEqual(1);
    expect(stats.workers.square?.processed).toBeGreaterThanOrEqual(2);
  });

  test("a thread worker's error rejects the request rebuilt and is emitted as workers.error", async () => {
    const error = await system.request("charge", 30).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: "PaymentError", code: "E_PAYMENT", amount: 30 });
    expect((error as Error).message).toBe("payment of 30 declined");
    const failed = (await system.channels.errors?.take()) as {
      type: string;
      workerId: string;
      error: Error;
    };
    expect(failed.type).toBe("workers.error");
    expect(failed.workerId).toBe("charge");
    expect(failed.error.name).toBe("PaymentError");
    expect(events.some((e) => e.type === "workers.error" && e.workerId === "charge")).toBe(true);
  });

  test("a request timeout rejects with TimeoutError and aborts ctx.signal in the thread", async () => {
    const request = system.request("wait", "r1", { timeoutMs: 30 });
    await expect(system.channels.events?.take()).resolves.toBe("r1 started");
    await expect(request).rejects.toBeInstanceOf(TimeoutError);
    await expect(system.channels.events?.take()).resolves.toBe("r1 aborted");
  });

  test("ctx.channels in a thread puts onto the system's channel with backpressure", async () => {
    const first = system.request("forward", "one");
    await expect(first).resolves.toBe(true); // the buffer (1) took it
    const second = track(system.request("forward", "two"));
    const forwarded = system.channels.forwarded;
    // The second put parks until a consumer takes.
    await expect(forwarded?.take()).resolves.toEqual({ from: "forward", msg: "one" });
    await expect(second.promise).resolves.toBe(true);
    await expect(forwarded?.take()).resolves.toEqual({ from: "forward", msg: "two" });
  });

  test("a batch worker processes several messages per pool task, each with its own reply", async () => {
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) => system.request("batched", i)),
    );
    expect(replies).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });
});

describe("lifecycle", () => {
  test("stop drains thread work in flight before closing the pool", async () => {
    const gated = await startWorkers(
      {
        channels: { "gate/in": { buffer: 8 }, done: { buffer: 8 } },
        workers: {
          gate: {
            kind: "command",
            in: "gate/in",
            workerFn: ref("gate"),
            dispatch: "thread",
            expose: true,
            outputChan: "done",
            concurrency: 2,
          },
        },
      },
      {},
      { threads, baseUrl },
    );
    const l = latch();
    await gated.command("gate", { latch: l, n: 1 });
    await gated.command("gate", { latch: l, n: 2 });
    await gated.command("gate", { latch: l, n: 3 });
    // Wait until a thread is inside the first message.
    await started(l);
    const stopping = track(gated.stop({ timeoutMs: 60_000 }));
    await Promise.resolve();
    expect(stopping.settled).toBe(false);
    Atomics.store(l, 0, 1);
    Atomics.notify(l, 0);
    await stopping.promise;
    const done = [
      gated.channels.done?.poll(),
      gated.channels.done?.poll(),
      gated.channels.done?.poll(),
    ];
    expect(done.sort()).toEqual([1, 2, 3]);
    expect(gated.stats().workers.gate?.processed).toBe(3);
  });

  test("stop past its deadline aborts ctx.signal of thread work still running", async () => {
    const stuck = await startWorkers(
      {
        channels: { "stuck/in": { buffer: 2 } },
        workers: {
          stuck: {
            kind: "command",
            in: "stuck/in",
            workerFn: ref("flagAbort"),
            dispatch: "thread",
            expose: true,
          },
        },
      },
      {},
      { threads, baseUrl },
    );
    const l = latch();
    await stuck.command("stuck", l);
    await started(l);
    await stuck.stop({ timeoutMs: 10 });
    // The thread saw the abort (slot 2), whenever it arrived relative to stop's return.
    while (Atomics.load(l, 2) === 0) {
      const wait = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync(l, 2, 0);
      if (wait.async) await wait.value;
    }
    expect(Atomics.load(l, 2)).toBe(1);
  });

  test("a thread worker module that does not load in a thread fails start", async () => {
    const error = await startWorkers(
      {
        channels: { "x/in": { buffer: 1 } },
        workers: {
          x: {
            kind: "command",
            in: "x/in",
            workerFn: "../fixtures/thread-main-only.ts#unloadable",
            dispatch: "thread",
          },
        },
      },
      {},
      { threads, baseUrl },
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "ERR_THREAD_LOAD" });
    expect(((error as Error).cause as Error).message).toBe("this module cannot load in a thread");
  });
});
