import { AsyncLocalStorage } from "node:async_hooks";
import { describe, expect, it, vi } from "vitest";
import {
  type Headers,
  type InjectInfo,
  type ProcessInfo,
  startWorkers,
  type WorkersSystem,
} from "../src/index.js";

const failing = {
  channels: { in: { buffer: 1 }, out: { buffer: 1 } },
  workers: {
    w: {
      kind: "command" as const,
      in: "in",
      expose: true,
      outputChan: "out",
      workerFn: (_c: unknown, n: number) => {
        if (n < 0) throw new Error("negative");
        return n;
      },
    },
  },
};

/** Runs one start, an output-drop, an error and a stop. */
async function exercise(components: Record<string, unknown>): Promise<void> {
  const system = await startWorkers(failing, components);
  await system.command("w", 1);
  await system.command("w", 2); // output-drop: out holds 1
  await system.command("w", -1);
  await system.stop();
}

describe("emitter resolution", () => {
  it("accepts a function", async () => {
    const emit = vi.fn();
    await exercise({ observability: emit });
    expect(emit.mock.calls.map(([e]) => e.type)).toEqual([
      "workers.start",
      "workers.drop",
      "workers.error",
      "workers.stop",
    ]);
  });

  it("accepts an object with emit", async () => {
    const obs = { emit: vi.fn() };
    await exercise({ obs });
    expect(obs.emit).toHaveBeenCalledTimes(4);
  });

  it("routes to a logger: drops/guards on warn, errors on error, start/stop on info", async () => {
    const logger = { warn: vi.fn(), error: vi.fn(), info: vi.fn() };
    await exercise({ logger });
    expect(logger.warn.mock.calls.map(([e]) => e.type)).toEqual(["workers.drop"]);
    expect(logger.error.mock.calls.map(([e]) => e.type)).toEqual(["workers.error"]);
    expect(logger.info.mock.calls.map(([e]) => e.type)).toEqual(["workers.start", "workers.stop"]);
  });

  it("falls back to log for missing logger methods", async () => {
    const logger = { log: vi.fn(), error: vi.fn() };
    await exercise({ logger });
    expect(logger.error).toHaveBeenCalledTimes(1);
    expect(logger.log.mock.calls.map(([e]) => e.type)).toEqual([
      "workers.start",
      "workers.drop",
      "workers.stop",
    ]);
  });

  it("takes the first of observability, obs, logger that is present", async () => {
    const a = vi.fn();
    const b = vi.fn();
    const c = { warn: vi.fn(), error: vi.fn(), info: vi.fn() };
    await exercise({ obs: b, logger: c, observability: a });
    expect(a).toHaveBeenCalled();
    expect(b).not.toHaveBeenCalled();
    await exercise({ obs: b, logger: c });
    expect(b).toHaveBeenCalled();
    expect(c.info).not.toHaveBeenCalled();
  });

  it("an emitter that throws does not break the workers", async () => {
    const warning = vi.spyOn(process, "emitWarning").mockImplementation(() => {});
    const system = await startWorkers(failing, {
      obs: () => {
        throw new Error("emitter down");
      },
    });
    await expect(system.request("w", -1)).rejects.toThrow("negative");
    await expect(system.request("w", 3)).resolves.toBe(3);
    await system.stop();
    warning.mockRestore();
  });

  it("ctx.emit sends custom events to the emitter", async () => {
    const emit = vi.fn();
    const system = await startWorkers(
      {
        channels: { in: {} },
        workers: {
          w: {
            kind: "command",
            in: "in",
            expose: true,
            workerFn: (ctx: { emit(e: unknown): void }) => ctx.emit({ type: "app.hello", n: 1 }),
          },
        },
      },
      { obs: emit },
    );
    await system.request("w", 1);
    await system.stop();
    expect(emit).toHaveBeenCalledWith({ type: "app.hello", n: 1 });
  });
});

describe("instrumentation hooks", () => {
  it("inject runs in the producer's context for command, request, ctx puts and output offers", async () => {
    const als = new AsyncLocalStorage<string>();
    const injected: [InjectInfo, string | undefined][] = [];
    const processed: [ProcessInfo, Headers][] = [];
    const seenHeaders: Headers[] = [];
    let attached: WorkersSystem<any> | undefined;
    const obs = {
      emit: () => {},
      inject(headers: Headers, info: InjectInfo) {
        const ctx = als.getStore();
        injected.push([info, ctx]);
        headers.trace = ctx ?? "root";
      },
      around<T>(info: ProcessInfo, headers: Readonly<Headers>, run: () => Promise<T>): Promise<T> {
        processed.push([info, { ...headers }]);
        return als.run(`process:${info.workerId}`, run);
      },
      attach(system: WorkersSystem<any>) {
        attached = system;
      },
    };
    const system = await startWorkers(
      {
        channels: { a: { buffer: 4 }, b: { buffer: 4 }, side: { buffer: 4 }, out: { buffer: 4 } },
        workers: {
          first: {
            kind: "command",
            in: "a",
            expose: true,
            outputChan: "b",
            workerFn: async (
              ctx: { channels: Record<string, { put(v: unknown): Promise<boolean> }> },
              n: number,
            ) => {
              await ctx.channels.side!.put(n);
              return n + 1;
            },
          },
          second: {
            kind: "command",
            in: "b",
            outputChan: "out",
            workerFn: (ctx: { headers: Headers }, n: number) => {
              seenHeaders.push({ ...ctx.headers });
              return n;
            },
          },
        },
      },
      { obs },
    );
    expect(attached).toBe(system);
    await als.run("caller", () => system.command("first", 1));
    await system.stop();
    expect(injected).toEqual([
      [{ channel: "a" }, "caller"],
      [{ channel: "side", workerId: "first" }, "process:first"],
      [{ channel: "b", workerId: "first" }, "process:first"],
      [{ channel: "out", workerId: "second" }, "process:second"],
    ]);
    expect(processed).toEqual([
      [
        {
          workerId: "first",
          channel: "a",
          dispatch: "go",
          messageId: expect.any(String),
          enqueuedAt: expect.any(Number),
        },
        { trace: "caller" },
      ],
      [
        {
          workerId: "second",
          channel: "b",
          dispatch: "go",
          messageId: expect.any(String),
          enqueuedAt: expect.any(Number),
        },
        { trace: "process:first" },
      ],
    ]);
    expect(processed[0]![0].messageId).not.toBe(processed[1]![0].messageId);
    // Queue wait: when each message was put, on the wall clock.
    const putAt = processed.map(([info]) => info.enqueuedAt as number);
    expect(putAt[0]).toBeLessThanOrEqual(putAt[1]!);
    expect(Math.abs(putAt[0]! - Date.now())).toBeLessThan(60_000);
    expect(seenHeaders).toEqual([{ trace: "process:first" }]);
    // side is not an input channel: plain values there
    expect(await system.channels.side.take()).toBe(1);
  });

  it("around sees the worker's failure as its run() rejection", async () => {
    const outcomes: string[] = [];
    const obs = {
      emit: () => {},
      around<T>(_info: ProcessInfo, _h: Readonly<Headers>, run: () => Promise<T>): Promise<T> {
        const p = run();
        p.then(
          () => outcomes.push("ok"),
          (e: Error) => outcomes.push(`error:${e.message}`),
        );
        return p;
      },
    };
    const system = await startWorkers(failing, { obs });
    await system.request("w", 1);
    await system.request("w", -1).catch(() => {});
    await system.stop();
    expect(outcomes).toEqual(["ok", "error:negative"]);
    expect(system.stats().workers.w).toMatchObject({ processed: 1, errors: 1 });
  });

  it("an around that throws fails the message (counted once)", async () => {
    const emit = vi.fn();
    const obs = {
      emit,
      around(): Promise<never> {
        throw new Error("around broke");
      },
    };
    const system = await startWorkers(failing, { obs });
    await expect(system.request("w", 1)).rejects.toThrow("around broke");
    await system.stop();
    expect(system.stats().workers.w).toMatchObject({ processed: 0, errors: 1 });
  });
});

describe("a careless around", () => {
  it("that drops run()'s rejection causes no unhandled rejection; the failure is still counted", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    const obs = {
      emit: () => {},
      around<T>(_info: ProcessInfo, _h: Readonly<Headers>, run: () => Promise<T>): Promise<T> {
        void run();
        return Promise.resolve(undefined as T);
      },
    };
    const system = await startWorkers(failing, { obs });
    await system.request("w", -1).catch(() => {});
    await system.stop();
    await new Promise((resolve) => setTimeout(resolve, 0));
    process.off("unhandledRejection", onUnhandled);
    expect(unhandled).toEqual([]);
    expect(system.stats().workers.w).toMatchObject({ processed: 0, errors: 1 });
  });
});

describe("a throwing inject", () => {
  it("never breaks the flow of messages", async () => {
    const warning = vi.spyOn(process, "emitWarning").mockImplementation(() => {});
    const obs = {
      emit: () => {},
      inject(): void {
        throw new Error("inject broke");
      },
    };
    const system = await startWorkers(failing, { obs });
    await expect(system.request("w", 1)).resolves.toBe(1);
    await expect(system.request("w", -1)).rejects.toThrow("negative");
    await system.stop();
    expect(await system.channels.out!.take()).toBe(1);
    warning.mockRestore();
  });
});
