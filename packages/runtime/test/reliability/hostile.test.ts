// What a hostile (or careless) user can hand the runtime: promises as messages and channel
// values, out-of-range timers, async callbacks that reject, names that are Object.prototype
// members, proxies that throw, options of the wrong type. Each is a value or a coded error for
// that call alone; no worker loop dies, nothing is lost, nothing is left parked.
import { afterEach, describe, expect, test, vi } from "vitest";
import { workerExecArgv } from "../../src/dispatch/thread/exec-argv.js";
import {
  type Components,
  type StartOptions,
  startWorkers,
  type WorkersSystem,
} from "../../src/index.js";
import { flush, latch, recorder } from "../helpers.js";
import { tsxExecArgv } from "./ledger.js";

/** `startWorkers` with any definition, typed loosely (these definitions are hostile on purpose). */
function start(
  definition: unknown,
  components?: Components,
  options?: StartOptions,
): Promise<WorkersSystem<any>> {
  return startWorkers(definition as never, components, options) as Promise<WorkersSystem<any>>;
}

/** One thread worker `t` (reading `in`) running `fixtures/thread-hostile.ts#<name>`. */
function threadSystem(
  name: string,
  obs: Components["obs"],
  channels: Record<string, unknown> = {},
): Promise<WorkersSystem<any>> {
  return start(
    {
      channels: { in: { buffer: 4 }, ...channels },
      workers: {
        t: { kind: "command", in: "in", expose: true, dispatch: "thread", workerFn: hostile(name) },
      },
    },
    { obs },
    { threads: { min: 1, max: 1, execArgv: tsxExecArgv } },
  );
}

const hostile = (name: string): string =>
  `${new URL("../fixtures/thread-hostile.ts", import.meta.url).href}#${name}`;

// The shared setup (test/setup/no-unhandled-rejections.ts) fails a test that leaves an
// unhandled rejection behind.
afterEach(() => {
  vi.useRealTimers();
});

async function code(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return (error as { code?: unknown }).code;
  }
  return "resolved";
}

function codeOfCall(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return (error as { code?: unknown }).code;
  }
  return "returned";
}

/** Two go workers: `a` puts what it is given on `b/in`; `b` doubles numbers. */
function relay() {
  return {
    channels: { "a/in": { buffer: 4 }, "b/in": { buffer: 4 } },
    workers: {
      a: {
        kind: "command",
        in: "a/in",
        expose: true,
        workerFn: async (ctx: any, msg: { value: unknown }) => ctx.channels["b/in"].put(msg.value),
      },
      b: {
        kind: "command",
        in: "b/in",
        expose: true,
        workerFn: (_ctx: unknown, n: unknown) => (typeof n === "number" ? n * 2 : typeof n),
      },
    },
  } as const;
}

describe("thenables", () => {
  for (const instrumented of [false, true]) {
    test(`a go worker putting a promise on another worker's input fails with ERR_THENABLE; both loops live on${instrumented ? " (instrumented)" : ""}`, async () => {
      const events = recorder();
      const obs = instrumented
        ? { emit: events.emit, inject: (h: Record<string, string>) => void (h.t = "1") }
        : events.emit;
      const system = await start(relay() as never, { obs });
      const rejected = Promise.reject(new Error("never adopted"));
      rejected.catch(() => {});
      expect(await code(system.request("a", { value: rejected }))).toBe("ERR_THENABLE");
      expect(await code(system.request("a", { value: Promise.resolve(undefined) }))).toBe(
        "ERR_THENABLE",
      );
      expect(system.channels["b/in"]!.size).toBe(0);
      await expect(system.request("a", { value: 4 })).resolves.toBe(true);
      await expect(system.request("b", 21)).resolves.toBe(42);
      await system.stop();
      expect(system.stats().workers.b!.processed).toBe(2);
      expect(events.of("workers.error")).toHaveLength(2);
      expect(events.of("workers.drop")).toEqual([]);
    });
  }

  test("a promise put on system.channels is refused before anything changes; the loop lives on", async () => {
    const system = await start(relay() as never, { obs: () => {} });
    const input = system.channels["b/in"]!;
    const rejected = Promise.reject(new Error("x"));
    rejected.catch(() => {});
    expect(codeOfCall(() => input.putAsync(rejected))).toBe("ERR_THENABLE");
    expect(codeOfCall(() => input.offer(Promise.resolve(undefined)))).toBe("ERR_THENABLE");
    // biome-ignore lint/suspicious/noThenProperty: a hand-made thenable is the point here
    expect(codeOfCall(() => input.put({ then: () => {} }))).toBe("ERR_THENABLE");
    expect(input.size).toBe(0);
    await expect(system.request("b", 1)).resolves.toBe(2);
    await expect(system.stop()).resolves.toBeUndefined();
  });

  test("command and request carry a promise as the message itself", async () => {
    const seen: unknown[] = [];
    const system = await start(
      {
        channels: { in: { buffer: 4 } },
        workers: {
          w: {
            kind: "command",
            in: "in",
            expose: true,
            workerFn: (_ctx: unknown, msg: unknown) => {
              seen.push(msg);
              return msg instanceof Promise;
            },
          },
        },
      } as never,
      { obs: () => {} },
    );
    const resolvesUndefined = Promise.resolve(undefined);
    await expect(system.request("w", resolvesUndefined)).resolves.toBe(true);
    const rejected = Promise.reject(new Error("x"));
    rejected.catch(() => {});
    await expect(system.command("w", rejected)).resolves.toBe(true);
    await system.stop();
    expect(seen).toEqual([resolvesUndefined, rejected]);
    expect(system.stats().workers.w!.processed).toBe(2);
  });

  test("a result that throws when inspected fails that message alone", async () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const events = recorder();
    const system = await start(
      {
        channels: { in: { buffer: 4 }, out: { buffer: 4 } },
        workers: {
          w: {
            kind: "command",
            in: "in",
            expose: true,
            outputChan: "out",
            workerFn: (_ctx: unknown, n: number) => (n === 0 ? proxy : n),
          },
        },
      } as never,
      { obs: events.emit },
    );
    await expect(system.request("w", 0)).rejects.toBeInstanceOf(TypeError);
    await expect(system.request("w", 1)).resolves.toBe(1);
    await system.stop();
    expect(system.stats().workers.w).toMatchObject({ processed: 1, errors: 1 });
  });
});

describe("the worker loop", () => {
  test("a take that rejects is reported and the loop goes on", async () => {
    const events = recorder();
    const system = await start(relay(), { obs: events.emit });
    const input = system.channels["b/in"]!;
    const take = input.take.bind(input);
    let faults = 1;
    input.take = (options) =>
      faults-- > 0 ? Promise.reject(new Error("take failed")) : take(options);
    await expect(system.request("b", 1)).resolves.toBe(2);
    await expect(system.request("b", 2, { timeoutMs: 5_000 })).resolves.toBe(4);
    await system.stop();
    expect(events.of("workers.error").map((e) => e.message)).toEqual(["take failed"]);
    expect(system.stats().workers.b).toMatchObject({ processed: 2 });
  });
});

describe("timer ranges", () => {
  const bad = [0, -5, Number.NaN, null, "abc", 2 ** 31, 30 * 24 * 3600 * 1000];

  function slow(): { def: never; gate: ReturnType<typeof latch<string>> } {
    const gate = latch<string>();
    return {
      gate,
      def: {
        channels: { in: { buffer: 4 } },
        workers: {
          w: { kind: "command", in: "in", expose: true, workerFn: () => gate.promise },
        },
      } as never,
    };
  }

  test("request timeoutMs out of range rejects with ERR_INVALID_ARGUMENT and sends nothing", async () => {
    const { def, gate } = slow();
    const system = await start(def, { obs: () => {} });
    for (const timeoutMs of bad) {
      expect(await code(system.request("w", 1, { timeoutMs: timeoutMs as never }))).toBe(
        "ERR_INVALID_ARGUMENT",
      );
    }
    expect(system.stats().workers.w!.inFlight).toBe(0);
    expect(system.channels.in!.size).toBe(0);
    gate.resolve("x");
    await system.stop();
  });

  test("request timeoutMs: Infinity means no deadline", async () => {
    vi.useFakeTimers();
    const { def, gate } = slow();
    const system = await start(def, { obs: () => {} });
    let outcome: unknown = "pending";
    const call = system.request("w", 1, { timeoutMs: Number.POSITIVE_INFINITY }).then(
      (v) => (outcome = v),
      (e: { code?: unknown }) => (outcome = e.code),
    );
    await vi.advanceTimersByTimeAsync(60_000);
    expect(outcome).toBe("pending");
    gate.resolve("late");
    await call;
    expect(outcome).toBe("late");
    await system.stop();
  });

  test("stop timeoutMs: Infinity waits for in-flight work however long it takes", async () => {
    vi.useFakeTimers();
    const { def, gate } = slow();
    const events = recorder();
    const system = await start(def, { obs: events.emit });
    const reply = system.request("w", 1);
    await vi.advanceTimersByTimeAsync(1);
    let stopped = false;
    const stopping = system.stop({ timeoutMs: Number.POSITIVE_INFINITY }).then(() => {
      stopped = true;
    });
    await vi.advanceTimersByTimeAsync(120_000);
    expect(stopped).toBe(false);
    gate.resolve("done");
    await stopping;
    await expect(reply).resolves.toBe("done");
    expect(events.of("workers.drop")).toEqual([]);
  });

  test("stop timeoutMs out of range rejects with ERR_INVALID_ARGUMENT; the system keeps running", async () => {
    const { def, gate } = slow();
    const system = await start(def, { obs: () => {} });
    for (const timeoutMs of [-5, Number.NaN, "abc", 2 ** 31]) {
      expect(await code(system.stop({ timeoutMs: timeoutMs as never }))).toBe(
        "ERR_INVALID_ARGUMENT",
      );
    }
    expect(await code(system.stop(null as never))).toBe("ERR_INVALID_ARGUMENT");
    gate.resolve("ok");
    await expect(system.request("w", 1)).resolves.toBe("ok");
    await system.stop();
  });

  test("a normalized-looking definition with an out-of-range interval is validated (ERR_CONFIG)", async () => {
    const def = {
      channels: { ticks: { buffer: 1, bufferType: "fixed", putMode: "async" } },
      workers: {
        t: {
          name: "t",
          kind: "ticker",
          dispatch: "go",
          expose: false,
          concurrency: 1,
          intervalMs: 3e9,
          out: "ticks",
        },
      },
    };
    expect(await code(start(def as never, { obs: () => {} }))).toBe("ERR_CONFIG");
  });

  test("guardMs and thread pool timings out of range are coded errors", async () => {
    const def = slow().def;
    expect(await code(start(def, {}, { devGuard: true, guardMs: 2 ** 31 }))).toBe(
      "ERR_INVALID_ARGUMENT",
    );
    expect(await code(start(def, {}, { devGuard: true, guardMs: Number.NaN }))).toBe(
      "ERR_INVALID_ARGUMENT",
    );
  });
});

describe("async callbacks", () => {
  test("an emitter, a logger and an attach hook that reject cause no unhandled rejection", async () => {
    const warning = vi.spyOn(process, "emitWarning").mockImplementation(() => {});
    try {
      const def = relay() as never;
      const fail = async (): Promise<never> => {
        throw new Error("observability is down");
      };
      for (const obs of [
        fail,
        { emit: fail },
        { warn: fail, error: fail, info: fail },
        { emit: () => {}, attach: fail, inject: fail },
      ]) {
        const system = await start(def, { obs });
        await expect(system.request("b", 2)).resolves.toBe(4);
        await system.command("b", "x");
        await flush();
        await system.stop();
      }
    } finally {
      warning.mockRestore();
    }
  });
});

describe("names that are Object.prototype members", () => {
  const names = ["toString", "constructor", "hasOwnProperty", "valueOf"];

  test("channels and workers named after Object.prototype members count as themselves", async () => {
    const channels: Record<string, unknown> = {};
    const workers: Record<string, unknown> = {};
    for (const name of names) {
      channels[name] = { buffer: 1, bufferType: "dropping" };
      workers[name] = {
        kind: "command",
        in: name,
        expose: true,
        workerFn: () => {
          throw new Error("no");
        },
      };
    }
    const events = recorder();
    const system = await start({ channels, workers } as never, { obs: events.emit });
    for (const name of names) {
      await expect(system.request(name as never, 1)).rejects.toThrow("no");
      const input = system.channels[name]!;
      // The waiting loop is handed 1, 2 fills the buffer, 3 is dropped.
      input.offer(1);
      input.offer(2);
      input.offer(3);
    }
    await system.stop();
    const stats = system.stats();
    for (const name of names) {
      expect(stats.errors[name]).toBeGreaterThanOrEqual(1);
      expect(typeof stats.drops[name]).toBe("number");
      expect(stats.drops[name]).toBe(1);
      expect(stats.workers[name]!.errors).toBeGreaterThanOrEqual(1);
      expect(stats.channels[name]!.capacity).toBe(1);
    }
  });

  test("a ticker named toString whose tick is cut off by stop counts a number", async () => {
    vi.useFakeTimers();
    const system = await start(
      {
        channels: {},
        workers: {
          toString: { kind: "ticker", intervalMs: 10, workerFn: () => new Promise(() => {}) },
        },
      } as never,
      { obs: () => {} },
    );
    await vi.advanceTimersByTimeAsync(15);
    const stopping = system.stop({ timeoutMs: 5 });
    await vi.advanceTimersByTimeAsync(1_000);
    await stopping;
    expect(system.stats().drops.toString).toBe(1);
  });

  test("system.channels has no inherited members", async () => {
    const system = await start(relay() as never, { obs: () => {} });
    expect(system.channels.toString).toBeUndefined();
    expect(system.channels.constructor).toBeUndefined();
    await system.stop();
  });
});

describe("thread workers", () => {
  test("ctx.channels named after Object.prototype members are unknown channels", async () => {
    const system = await threadSystem("putOn", () => {});
    for (const name of ["toString", "constructor", "__proto__", "hasOwnProperty", "nope"]) {
      await expect(system.request("t", name)).resolves.toBe("ERR_UNKNOWN_CHANNEL");
    }
    await system.stop();
  });

  test("a thread put parked on a full channel ends at stop's deadline; nothing stays parked", async () => {
    const events = recorder();
    const system = await threadSystem("parkOnSide", events.emit, { side: { buffer: 1 } });
    const gate = new Int32Array(new SharedArrayBuffer(12));
    const reply = system.request("t", gate);
    reply.catch(() => {});
    while (system.channels.side!.pendingPuts === 0) await flush();
    await system.stop({ timeoutMs: 50 });
    expect(system.channels.side!.pendingPuts).toBe(0);
    // The thread saw its put end (rejected with the abort reason) before the pool closed: it
    // was not left to be terminated at the end of the abort grace.
    expect(Atomics.load(gate, 2)).toBe(2);
    expect(await code(reply)).toBe("ERR_STOPPED");
    expect(events.of("workers.drop").map((e) => e.reason)).toEqual(["shutdown"]);
  });

  test("a thread put parked on a full channel ends when its request times out", async () => {
    const system = await threadSystem("parkOnSide", () => {}, { side: { buffer: 1 } });
    const gate = new Int32Array(new SharedArrayBuffer(12));
    expect(await code(system.request("t", gate, { timeoutMs: 100 }))).toBe("ERR_TIMEOUT");
    const waitAsync = (
      Atomics as unknown as {
        waitAsync(a: Int32Array, i: number, v: number): { value: Promise<string> | string };
      }
    ).waitAsync;
    while (Atomics.load(gate, 2) === 0) await waitAsync(gate, 2, 0).value;
    expect(Atomics.load(gate, 2)).toBe(2);
    expect(system.channels.side!.pendingPuts).toBe(0);
    await system.stop();
  });

  test("execArgv keeps what threads accept and drops per-process flags such as --expose-gc", () => {
    expect(
      workerExecArgv([
        "--expose-gc",
        "--conditions=x",
        "--stack-size=900",
        "--title",
        "t",
        "--import",
        "tsx",
        "--max-old-space-size=100",
      ]),
    ).toEqual(["--conditions=x", "--import", "tsx"]);
    expect(workerExecArgv([])).toEqual([]);
  });

  test("a process started with --expose-gc still starts thread workers with execArgv", async () => {
    const saved = [...process.execArgv];
    process.execArgv.push("--expose-gc", "--max-old-space-size=4096");
    try {
      const system = await threadSystem("echo", () => {});
      await expect(system.request("t", 7)).resolves.toBe(7);
      await system.stop();
    } finally {
      process.execArgv.splice(0, process.execArgv.length, ...saved);
    }
  });
});

describe("uncoded refusals", () => {
  test("a revoked proxy or a throwing proxy as the definition is ERR_CONFIG", async () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(await code(start(proxy as never))).toBe("ERR_CONFIG");
    const throwing = new Proxy(
      {},
      {
        get() {
          throw new Error("trap");
        },
        ownKeys() {
          throw new Error("trap");
        },
        getOwnPropertyDescriptor() {
          throw new Error("trap");
        },
        has() {
          throw new Error("trap");
        },
      },
    );
    expect(await code(start(throwing as never))).toBe("ERR_CONFIG");
  });

  test("request, command and stop reject (never throw) with coded errors for bad options", async () => {
    const system: WorkersSystem<any> = await start(relay() as never, { obs: () => {} });
    let call: Promise<unknown> | undefined;
    expect(() => {
      call = system.request("b", 1, null as never);
    }).not.toThrow();
    expect(await code(call!)).toBe("ERR_INVALID_ARGUMENT");
    expect(await code(system.request("b", 1, "x" as never))).toBe("ERR_INVALID_ARGUMENT");
    expect(await code(system.request("b", 1, { signal: { aborted: false } as never }))).toBe(
      "ERR_INVALID_ARGUMENT",
    );
    expect(await code(system.request("nope" as never, 1))).toBe("ERR_NOT_EXPOSED");
    expect(await code(system.command("nope" as never, 1))).toBe("ERR_NOT_EXPOSED");
    expect(system.channels["b/in"]!.size).toBe(0);
    await expect(system.request("b", 3)).resolves.toBe(6);
    await system.stop();
  });

  test("bad start options are coded errors", async () => {
    for (const options of [null, "x", { threads: "x" }]) {
      expect(await code(start(relay() as never, {}, options as never))).toMatch(/^ERR_/);
    }
    expect(await code(start(relay() as never, null as never))).toMatch(/^ERR_/);
  });
});
