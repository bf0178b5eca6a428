// The runtime's side of the thread seam, driven with a stand-in dispatcher (the real piscina
// dispatcher has its own tests).
import type { NormalizedDefinition, NormalizedWorker } from "@workers/config";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type {
  ChannelOp,
  ModuleRef,
  TaskOutcome,
  ThreadDispatcher,
  ThreadDispatcherOptions,
  ThreadTask,
} from "../src/dispatch/types.js";
import { type Headers, type ProcessInfo, StoppedError, startWorkers } from "../src/index.js";
import { flush, latch, recorder } from "./helpers.js";

class FakeDispatcher implements ThreadDispatcher {
  loaded: ModuleRef[][] = [];
  tasks: ThreadTask[] = [];
  batches: ThreadTask[][] = [];
  closed = 0;
  failLoad: Error | undefined;
  handler: (task: ThreadTask) => unknown = (task) => task.body;
  constructor(readonly options: ThreadDispatcherOptions) {}
  get channelOp(): ChannelOp {
    return this.options.channelOp;
  }
  async load(refs: readonly ModuleRef[]): Promise<void> {
    this.loaded.push([...refs]);
    if (this.failLoad) throw this.failLoad;
  }
  async run(task: ThreadTask): Promise<unknown> {
    this.tasks.push(task);
    return this.handler(task);
  }
  async runBatch(tasks: readonly ThreadTask[]): Promise<TaskOutcome[]> {
    this.batches.push([...tasks]);
    const out: TaskOutcome[] = [];
    for (const task of tasks) {
      try {
        out.push({ ok: true, value: await this.handler(task) });
      } catch (error) {
        out.push({ ok: false, error });
      }
    }
    return out;
  }
  stats() {
    const zero = { p50: 0, p95: 0, p99: 0, max: 0 };
    return {
      threads: 1,
      utilization: 0,
      queueSize: 0,
      completed: this.tasks.length,
      runTimeMs: zero,
      waitTimeMs: zero,
    };
  }
  async close(): Promise<void> {
    this.closed++;
  }
}

let current: FakeDispatcher | undefined;
let failLoad: Error | undefined;

vi.mock("../src/dispatch/thread-loader.js", () => ({
  loadThreadDispatcher: async () => (options: ThreadDispatcherOptions) => {
    current = new FakeDispatcher(options);
    current.failLoad = failLoad;
    return current;
  },
}));

beforeEach(() => {
  current = undefined;
  failLoad = undefined;
});
afterEach(() => {
  vi.useRealTimers();
});

const ref = (exportName: string): ModuleRef => ({ url: "file:///app/workers.js", exportName });

function worker(name: string, extra: Partial<NormalizedWorker>): NormalizedWorker {
  return {
    name,
    kind: "command",
    dispatch: "thread",
    expose: true,
    concurrency: 1,
    workerFn: () => {},
    workerRef: ref(name),
    ...extra,
  };
}

function def(
  workers: Record<string, NormalizedWorker>,
  channels: NormalizedDefinition["channels"],
): NormalizedDefinition {
  return { channels, workers };
}

const fixed = (buffer: number) => ({
  buffer,
  bufferType: "fixed" as const,
  putMode: "async" as const,
});

describe("thread dispatch seam", () => {
  it("loads every thread worker's module at start and closes the pool at stop", async () => {
    const system = await startWorkers(
      def(
        {
          a: worker("a", { in: "a" }),
          b: worker("b", { in: "b" }),
          g: worker("g", { in: "g", dispatch: "go" }),
        },
        { a: fixed(1), b: fixed(1), g: fixed(1) },
      ),
      {},
      { threads: { max: 2 } },
    );
    expect(current!.options.threads).toEqual({ max: 2 });
    expect(current!.loaded).toEqual([[ref("a"), ref("b")]]);
    expect(system.stats().threads).toMatchObject({ threads: 1 });
    await system.stop();
    expect(current!.closed).toBe(1);
  });

  it("creates no pool for a go-only system", async () => {
    const system = await startWorkers(
      def({ g: worker("g", { in: "g", dispatch: "go" }) }, { g: fixed(1) }),
    );
    expect(current).toBeUndefined();
    expect(system.stats()).not.toHaveProperty("threads");
    await system.stop();
  });

  it("fails start (all-or-nothing) when a module does not load", async () => {
    failLoad = new Error("cannot import");
    await expect(startWorkers(def({ a: worker("a", { in: "a" }) }, { a: fixed(1) }))).rejects.toBe(
      failLoad,
    );
    expect(current!.closed).toBe(1);
  });

  it("runs each message as a task; results and errors take the go paths", async () => {
    const rec = recorder();
    const system = await startWorkers(
      def(
        { a: worker("a", { in: "a", outputChan: "out", failChan: "err" }) },
        { a: fixed(4), out: fixed(4), err: fixed(4) },
      ),
      { obs: rec.emit },
    );
    current!.handler = (task) => {
      if (task.body === "bad") throw Object.assign(new Error("thread failure"), { code: "E_APP" });
      return `done:${String(task.body)}`;
    };
    await expect(system.request("a", "x")).resolves.toBe("done:x");
    await expect(system.request("a", "bad")).rejects.toMatchObject({ code: "E_APP" });
    await system.stop();
    const [task] = current!.tasks;
    expect(task).toMatchObject({
      worker: { name: "a", kind: "command", dispatch: "thread", in: "a" },
      ref: ref("a"),
      body: "x",
      headers: {},
      messageId: expect.any(String),
    });
    expect(task!.signal).toBeInstanceOf(AbortSignal);
    expect(system.channels.out!.poll()).toBe("done:x");
    expect(system.channels.err!.poll()).toMatchObject({
      workerId: "a",
      message: "thread failure",
      msg: "bad",
    });
    expect(system.stats().workers.a).toMatchObject({ dispatch: "thread", processed: 1, errors: 1 });
  });

  it("calls inject inside around's run, so the task's headers carry the process context", async () => {
    let context = "none";
    const obs = {
      emit: () => {},
      inject(headers: Headers) {
        headers.ctx = context;
      },
      async around<T>(
        info: ProcessInfo,
        headers: Readonly<Headers>,
        run: () => Promise<T>,
      ): Promise<T> {
        context = `process(${info.workerId},${headers.ctx})`;
        try {
          return await run();
        } finally {
          context = "none";
        }
      },
    };
    const system = await startWorkers(def({ a: worker("a", { in: "a" }) }, { a: fixed(1) }), {
      obs,
    });
    context = "caller";
    await system.request("a", 1);
    context = "none";
    await system.stop();
    expect(current!.tasks[0]!.headers).toEqual({ ctx: "process(a,caller)" });
  });

  it("batch workers take one message, then what is already buffered, up to batch.size", async () => {
    const gate = latch();
    const system = await startWorkers(
      def({ a: worker("a", { in: "a", batch: { size: 3, maxWaitMs: 0 } }) }, { a: fixed(8) }),
    );
    const first = current!.handler;
    current!.handler = async (task) => {
      if (task.body === 0) await gate.promise;
      return first(task);
    };
    const replies = [system.request("a", 0)];
    await flush(); // the loop took 0 alone: nothing else was buffered
    for (const n of [1, 2, 3, 4]) replies.push(system.request("a", n));
    await flush();
    gate.resolve();
    expect(await Promise.all(replies)).toEqual([0, 1, 2, 3, 4]);
    await system.stop();
    expect(current!.batches.map((b) => b.map((t) => t.body))).toEqual([[0], [1, 2, 3], [4]]);
  });

  it("batch.maxWaitMs lets a partial batch wait that long for more messages", async () => {
    vi.useFakeTimers();
    const system = await startWorkers(
      def({ a: worker("a", { in: "a", batch: { size: 3, maxWaitMs: 50 } }) }, { a: fixed(8) }),
    );
    const replies = [system.request("a", 0)];
    await vi.advanceTimersByTimeAsync(20);
    replies.push(system.request("a", 1));
    await vi.advanceTimersByTimeAsync(10);
    expect(current!.batches).toEqual([]);
    await vi.advanceTimersByTimeAsync(20); // 50 ms after the first: the partial batch goes
    expect(current!.batches.map((b) => b.map((t) => t.body))).toEqual([[0, 1]]);
    for (const n of [2, 3, 4]) replies.push(system.request("a", n));
    await vi.advanceTimersByTimeAsync(0); // a full batch does not wait
    expect(current!.batches.map((b) => b.map((t) => t.body))).toEqual([
      [0, 1],
      [2, 3, 4],
    ]);
    expect(await Promise.all(replies)).toEqual([0, 1, 2, 3, 4]);
    await system.stop();
  });

  it("a draining stop waits for a partial batch that is filling", async () => {
    vi.useFakeTimers();
    const system = await startWorkers(
      def({ a: worker("a", { in: "a", batch: { size: 3, maxWaitMs: 50 } }) }, { a: fixed(8) }),
    );
    const reply = system.request("a", 0);
    await vi.advanceTimersByTimeAsync(10);
    const stopping = system.stop();
    await vi.advanceTimersByTimeAsync(40);
    await stopping;
    await expect(reply).resolves.toBe(0);
    expect(current!.batches.map((b) => b.map((t) => t.body))).toEqual([[0]]);
  });

  it("channelOp carries out a thread's put/offer: envelopes for input channels, inject, false when full", async () => {
    const seen: unknown[] = [];
    const injected: unknown[] = [];
    const obs = {
      emit: () => {},
      inject(headers: Headers, info: unknown) {
        injected.push(info);
        headers.t = "1";
      },
    };
    const system = await startWorkers(
      def(
        {
          a: worker("a", { in: "a" }),
          g: worker("g", {
            in: "g",
            dispatch: "go",
            workerFn: (ctx: { headers: Headers }, msg: unknown) => {
              seen.push([msg, ctx.headers]);
            },
          }),
        },
        { a: fixed(1), g: fixed(1), plain: fixed(1) },
      ),
      { obs },
    );
    const op = current!.channelOp;
    await expect(op({ workerId: "a", channel: "g", op: "put", value: { v: 1 } })).resolves.toBe(
      true,
    );
    await expect(op({ workerId: "a", channel: "plain", op: "offer", value: 1 })).resolves.toBe(
      true,
    );
    await expect(op({ workerId: "a", channel: "plain", op: "offer", value: 2 })).resolves.toBe(
      false,
    );
    await expect(op({ workerId: "a", channel: "nope", op: "put", value: 1 })).rejects.toMatchObject(
      {
        code: "ERR_UNKNOWN_CHANNEL",
      },
    );
    await expect(
      op({ workerId: "a", channel: "plain", op: "put", value: undefined }),
    ).rejects.toMatchObject({
      code: "ERR_INVALID_MESSAGE",
    });
    await system.stop();
    expect(seen).toEqual([[{ v: 1 }, { t: "1" }]]);
    expect(system.channels.plain!.poll()).toBe(1);
    expect(injected).toEqual([
      { channel: "g", workerId: "a" },
      { channel: "plain", workerId: "a" },
      { channel: "plain", workerId: "a" },
    ]);
  });

  it("aborts the task's signal when stop passes its deadline, and on request timeout", async () => {
    vi.useFakeTimers();
    const rec = recorder();
    const system = await startWorkers(
      def({ a: worker("a", { in: "a", concurrency: 2 }) }, { a: fixed(4) }),
      { obs: rec.emit },
    );
    current!.handler = (task) =>
      new Promise((_resolve, reject) => {
        task.signal.addEventListener("abort", () => reject(task.signal.reason));
      });
    const timedOut = system.request("a", "t", { timeoutMs: 50 }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(50);
    expect(await timedOut).toMatchObject({ code: "ERR_TIMEOUT" });
    expect(current!.tasks[0]!.signal.aborted).toBe(true);
    await system.command("a", "s");
    await vi.advanceTimersByTimeAsync(0);
    const stopping = system.stop({ timeoutMs: 100 });
    await vi.advanceTimersByTimeAsync(100);
    await stopping;
    expect(current!.tasks[1]!.signal.reason).toBeInstanceOf(StoppedError);
    // The timed-out request is the worker's error; the message stop gave up on is a shutdown drop.
    expect(system.stats().workers.a).toMatchObject({ errors: 1, inFlight: 0 });
    expect(rec.of("workers.drop")).toMatchObject([{ reason: "shutdown", msg: "s", workerId: "a" }]);
  });

  it("messages without a request signal share one signal, aborted at stop's deadline", async () => {
    vi.useFakeTimers();
    const system = await startWorkers(
      def(
        {
          a: worker("a", { in: "a", concurrency: 4 }),
          b: worker("b", { in: "b", concurrency: 2, batch: { size: 2, maxWaitMs: 0 } }),
        },
        { a: fixed(8), b: fixed(8) },
      ),
    );
    current!.handler = () => new Promise(() => {}); // never settles
    await system.command("a", 1);
    await system.command("a", 2);
    void system.request("a", 3).catch(() => {});
    const own = system.request("a", 4, { timeoutMs: 10_000 }).catch((e: unknown) => e);
    await system.command("b", 5);
    await system.command("b", 6);
    await vi.advanceTimersByTimeAsync(0);
    const [t1, t2, t3, t4] = current!.tasks;
    const batched = current!.batches.flat();
    expect(batched.map((t) => t.body)).toEqual([5, 6]);
    const shared = t1!.signal;
    for (const t of [t2, t3, ...batched]) expect(t!.signal).toBe(shared);
    expect(t4!.signal).not.toBe(shared);
    expect(shared.aborted).toBe(false);
    const stopping = system.stop({ timeoutMs: 100 });
    await vi.advanceTimersByTimeAsync(100);
    expect(shared.aborted).toBe(true);
    expect(shared.reason).toBeInstanceOf(StoppedError);
    expect(t4!.signal.reason).toBeInstanceOf(StoppedError);
    await vi.advanceTimersByTimeAsync(5000);
    await stopping;
    expect(await own).toBeInstanceOf(StoppedError);
  });
});
