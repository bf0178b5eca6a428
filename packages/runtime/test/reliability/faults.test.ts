// Fault injection on go workers: a worker that throws, rejects, throws a non-Error, never
// settles (with and without honouring ctx.signal, with a request timeout), full output and fail
// channels, a consumer that stops taking, and stop in the middle of each. Every test checks the
// conservation law through the ledger (events + stats + call outcomes) and that the system
// keeps serving afterwards. Time is fake: deadlines and timeouts are advanced, never slept.
import { afterAll, afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { startWorkers, type WorkersSystem } from "../../src/index.js";
import { flush, isCode, Ledger, latch, report, sentCounts } from "./ledger.js";

/** A value whose every trap throws: the worst thing a worker can return or throw. */
function hostile(): object {
  const trap = (): never => {
    throw new Error("hostile trap");
  };
  return new Proxy(
    {},
    { get: trap, getPrototypeOf: trap, has: trap, ownKeys: trap, getOwnPropertyDescriptor: trap },
  );
}

const nonErrors: Record<string, () => unknown> = {
  string: () => "plain string",
  number: () => 42,
  null: () => null,
  undefined: () => undefined,
  symbol: () => Symbol("thrown"),
  "object without prototype": () =>
    Object.assign(Object.create(null) as object, { why: "no proto" }),
  "object whose toString throws": () => ({
    toString(): never {
      throw new Error("no string for you");
    },
  }),
  "hostile proxy": hostile,
};

type Fault =
  | "ok"
  | "throw"
  | "reject"
  | "throwNonError"
  | "returnHostile"
  | "neverHonourAbort"
  | "neverIgnoreAbort"
  | "held";

interface Options {
  buffer?: number;
  bufferType?: "fixed" | "dropping" | "sliding";
  putMode?: "async" | "block" | "drop";
  concurrency?: number;
  outBuffer?: number;
  failBuffer?: number;
}

/** A gate the "held" fault waits on; released by the test. */
let gate = latch();
let thrownValue: () => unknown = () => "x";

function workerFn(ctx: { signal: AbortSignal }, msg: { id: number; fault?: Fault }): unknown {
  const id = msg.id;
  switch (msg.fault ?? "ok") {
    case "ok":
      return { id };
    case "throw":
      throw new Error(`fail ${id}`);
    case "reject":
      return Promise.resolve().then(() => {
        throw new TypeError(`reject ${id}`);
      });
    case "throwNonError":
      throw thrownValue();
    case "returnHostile":
      return hostile();
    case "neverHonourAbort":
      return new Promise((_resolve, reject) => {
        ctx.signal.addEventListener("abort", () => reject(new Error(`aborted ${id}`)), {
          once: true,
        });
      });
    case "neverIgnoreAbort":
      return new Promise(() => {});
    case "held":
      return gate.promise.then(() => ({ id }));
  }
}

async function start(ledger: Ledger, o: Options = {}): Promise<WorkersSystem<any>> {
  const channels: Record<string, unknown> = {
    in: {
      buffer: o.buffer ?? 8,
      bufferType: o.bufferType ?? "fixed",
      putMode: o.putMode ?? "async",
    },
    out: { buffer: o.outBuffer ?? 1024 },
  };
  if (o.failBuffer !== undefined) channels.fail = { buffer: o.failBuffer };
  return startWorkers(
    {
      channels,
      workers: {
        w: {
          kind: "command",
          in: "in",
          workerFn,
          expose: true,
          concurrency: o.concurrency ?? 1,
          outputChan: "out",
          ...(o.failBuffer === undefined ? {} : { failChan: "fail" }),
        },
      },
    } as never,
    { obs: ledger.emit },
  );
}

/** Stops with a deadline, advancing fake time until the stop resolves. */
async function stopNow(system: WorkersSystem<any>, drain: boolean, timeoutMs = 20): Promise<void> {
  let done = false;
  const stopping = system.stop({ drain, timeoutMs }).then(() => {
    done = true;
  });
  for (let i = 0; i < 100 && !done; i++) await vi.advanceTimersByTimeAsync(25);
  expect(done, "stop resolves by its deadline").toBe(true);
  await stopping;
}

/** Still serving: three fresh requests resolve with their own ids. */
async function serves(ledger: Ledger, system: WorkersSystem<any>): Promise<void> {
  for (let i = 0; i < 3; i++) {
    const call = ledger.request(system, "w");
    await call.done;
    expect(call.outcome).toEqual({ ok: true, value: { id: call.id } });
  }
}

let ledger: Ledger;
afterAll(() => report("faults", sentCounts));
beforeEach(() => {
  vi.useFakeTimers();
  ledger = new Ledger();
  gate = latch();
});
afterEach(() => {
  gate.resolve();
  vi.useRealTimers();
});

describe("a worker that fails", () => {
  test.each([
    ["throws", "throw" as const, Error],
    ["rejects", "reject" as const, TypeError],
  ])(
    "%s: the request rejects with its error, an error event carries the message, serving goes on",
    async (_name, fault, Kind) => {
      const system = await start(ledger, { concurrency: 2 });
      const failing = [0, 1, 2].map(() => ledger.request(system, "w", { fault }));
      const commands = [0, 1, 2].map(() => ledger.command(system, "w", { fault }));
      await Promise.all([...failing, ...commands].map((c) => c.done));
      for (const c of failing) {
        expect(c.outcome?.ok).toBe(false);
        expect((c.outcome as { error: unknown }).error).toBeInstanceOf(Kind);
      }
      await serves(ledger, system);
      expect(system.stats().workers.w).toMatchObject({ errors: 6, processed: 3, inFlight: 0 });
      await stopNow(system, true);
      ledger.drain(system, "out");
      expect(await ledger.check(system)).toMatchObject({ sent: 9, processed: 3, failed: 6 });
    },
  );

  test.each(Object.keys(nonErrors))(
    "throws a non-Error (%s): the request rejects with that very value",
    async (kind) => {
      thrownValue = nonErrors[kind]!;
      const system = await start(ledger);
      const value = thrownValue();
      const call = ledger.request(system, "w", { fault: "throwNonError" });
      await call.done;
      expect(call.outcome?.ok).toBe(false);
      const rejected = (call.outcome as { error: unknown }).error;
      if (typeof value === "symbol") expect(typeof rejected).toBe("symbol");
      else if (typeof value === "object" && value !== null) expect(typeof rejected).toBe("object");
      else expect(rejected).toBe(value);
      const [event] = ledger.errors();
      expect(typeof event?.message).toBe("string");
      await serves(ledger, system);
      await stopNow(system, true);
      ledger.drain(system, "out");
      expect(await ledger.check(system)).toMatchObject({ sent: 4, processed: 3, failed: 1 });
    },
  );

  test("returns a value whose every access throws: the message fails, the loop survives", async () => {
    const system = await start(ledger);
    const call = ledger.request(system, "w", { fault: "returnHostile" });
    await call.done;
    expect(call.outcome?.ok).toBe(false);
    await serves(ledger, system);
    await stopNow(system, true);
    ledger.drain(system, "out");
    expect(await ledger.check(system)).toMatchObject({ sent: 4, processed: 3, failed: 1 });
  });
});

describe("a message that is itself a thenable or hostile", () => {
  // `command` hands the worker the very value: a message is never awaited or unwrapped on its
  // way through the channel, and a value whose every access throws does not break the loop.
  test.each([
    // biome-ignore lint/suspicious/noThenProperty: the message under test is a thenable
    ["a thenable", () => ({ id: -1, then: (resolve: (v: unknown) => void) => resolve("swapped") })],
    ["a promise", () => Object.assign(Promise.resolve("swapped"), { id: -1 })],
    ["a proxy whose every trap throws", hostile],
  ])(
    "command(%s): the worker gets that very value, the loop keeps serving",
    async (_name, make) => {
      const seen: unknown[] = [];
      const message = make();
      const system: WorkersSystem<any> = await startWorkers(
        {
          channels: { in: { buffer: 4 } },
          workers: {
            w: {
              kind: "command",
              in: "in",
              expose: true,
              workerFn: (_ctx: unknown, msg: unknown) => {
                seen.push(msg);
                return 1;
              },
            },
          },
        } as never,
        { obs: ledger.emit },
      );
      await expect(system.command("w", message)).resolves.toBe(true);
      await flush();
      expect(seen).toHaveLength(1);
      expect(seen[0]).toBe(message);
      await expect(system.request("w", { id: 0 })).resolves.toBe(1);
      await stopNow(system, true);
      expect(ledger.errors()).toEqual([]);
    },
  );
});

describe("a worker that never settles", () => {
  test("honouring ctx.signal: the request times out, the abort ends the message as failed", async () => {
    const system = await start(ledger);
    const call = ledger.request(system, "w", { fault: "neverHonourAbort" }, { timeoutMs: 50 });
    await vi.advanceTimersByTimeAsync(49);
    expect(call.outcome).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    await call.done;
    expect(isCode((call.outcome as { error: unknown }).error, "ERR_TIMEOUT")).toBe(true);
    await flush();
    expect(ledger.errors().map((e) => (e.msg as { id: number }).id)).toEqual([call.id]);
    await serves(ledger, system);
    await stopNow(system, true);
    ledger.drain(system, "out");
    expect(await ledger.check(system)).toMatchObject({ sent: 4, processed: 3, failed: 1 });
  });

  test("ignoring ctx.signal: the request times out, the other slot keeps serving, stop reports it as a shutdown drop", async () => {
    const system = await start(ledger, { concurrency: 2 });
    const stuck = ledger.request(system, "w", { fault: "neverIgnoreAbort" }, { timeoutMs: 30 });
    await vi.advanceTimersByTimeAsync(30);
    await stuck.done;
    expect(isCode((stuck.outcome as { error: unknown }).error, "ERR_TIMEOUT")).toBe(true);
    expect(system.stats().workers.w?.inFlight).toBe(1);
    await serves(ledger, system);
    await stopNow(system, true, 50);
    const shutdown = ledger.drops("shutdown");
    expect(shutdown.map((d) => (d.msg as { id: number }).id)).toEqual([stuck.id]);
    expect(ledger.events.at(-1)).toMatchObject({
      type: "workers.stop",
      timedOut: true,
      shutdownDrops: 1,
    });
    ledger.drain(system, "out");
    expect(await ledger.check(system)).toMatchObject({ sent: 4, processed: 3, dropped: 1 });
  });

  test("a timed-out request's worker settling later is still counted once, as processed", async () => {
    const system = await start(ledger);
    const call = ledger.request(system, "w", { fault: "held" }, { timeoutMs: 10 });
    await vi.advanceTimersByTimeAsync(10);
    await call.done;
    expect(isCode((call.outcome as { error: unknown }).error, "ERR_TIMEOUT")).toBe(true);
    gate.resolve();
    await flush();
    expect(system.stats().workers.w).toMatchObject({ processed: 1, inFlight: 0 });
    await serves(ledger, system);
    await stopNow(system, true);
    ledger.drain(system, "out");
    expect(await ledger.check(system)).toMatchObject({ sent: 4, processed: 4 });
  });
});

describe("full channels", () => {
  test("a full output channel: every refused result is an output-drop event carrying it", async () => {
    const system = await start(ledger, { outBuffer: 1 });
    const calls = [0, 1, 2, 3, 4].map(() => ledger.command(system, "w"));
    await Promise.all(calls.map((c) => c.done));
    await flush();
    const drops = ledger.drops("output-drop");
    expect(drops.map((d) => d.msg)).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }]);
    expect(system.stats().drops.out).toBe(4);
    expect(system.stats().workers.w?.processed).toBe(5);
    ledger.drain(system, "out");
    await serves(ledger, system);
    await stopNow(system, true);
    ledger.drain(system, "out");
    expect(await ledger.check(system)).toMatchObject({ sent: 8, processed: 8 });
  });

  test("a full fail channel: every refused error event is a fail-chan-full drop carrying it", async () => {
    const system = await start(ledger, { failBuffer: 1 });
    const calls = [0, 1, 2, 3].map(() => ledger.command(system, "w", { fault: "throw" }));
    await Promise.all(calls.map((c) => c.done));
    await flush();
    const errors = ledger.errors();
    expect(errors).toHaveLength(4);
    const full = ledger.drops("fail-chan-full");
    expect(full.map((d) => d.msg)).toEqual(errors.slice(1));
    expect(full[0]?.msg).toMatchObject({ type: "workers.error", failChan: "fail", msg: { id: 1 } });
    expect(system.channels.fail?.poll()).toBe(errors[0]);
    expect(system.stats().drops.fail).toBe(3);
    await serves(ledger, system);
    await stopNow(system, true);
    ledger.drain(system, "out");
    expect(await ledger.check(system)).toMatchObject({ sent: 7, processed: 3, failed: 4 });
  });

  test.each([
    ["dropping", "buffer-dropped"],
    ["sliding", "buffer-evicted"],
  ] as const)(
    "a full %s input buffer: each discarded message is a %s event, its request rejects with DroppedError",
    async (bufferType, reason) => {
      const system = await start(ledger, { buffer: 2, bufferType });
      const held = ledger.request(system, "w", { fault: "held" });
      await flush();
      const calls = [0, 1, 2, 3, 4].map(() => ledger.request(system, "w"));
      await flush();
      expect(ledger.drops(reason)).toHaveLength(3);
      gate.resolve();
      await Promise.all([held, ...calls].map((c) => c.done));
      await serves(ledger, system);
      await stopNow(system, true);
      ledger.drain(system, "out");
      expect(await ledger.check(system)).toMatchObject({ sent: 9, processed: 6, dropped: 3 });
    },
  );

  test("drop put mode on a full channel: a refused command resolves false with an input-drop event", async () => {
    const system = await start(ledger, { buffer: 1, putMode: "drop" });
    const held = ledger.command(system, "w", { fault: "held" });
    await flush();
    const calls = [0, 1, 2].map(() => ledger.command(system, "w"));
    const req = ledger.request(system, "w");
    await Promise.all([held, ...calls, req].map((c) => c.done));
    expect(calls.map((c) => c.outcome)).toEqual([
      { ok: true, value: true },
      { ok: true, value: false },
      { ok: true, value: false },
    ]);
    expect(isCode((req.outcome as { error: unknown }).error, "ERR_DROPPED")).toBe(true);
    gate.resolve();
    await flush();
    await serves(ledger, system);
    await stopNow(system, true);
    ledger.drain(system, "out");
    expect(await ledger.check(system)).toMatchObject({ sent: 8, processed: 5, dropped: 3 });
  });
});

describe("a consumer that stops taking", () => {
  test("block put mode: callers wait on a stuck worker; stop reports in-flight, buffered and parked messages once each", async () => {
    const system = await start(ledger, { buffer: 2, putMode: "block" });
    const calls = [ledger.command(system, "w", { fault: "neverIgnoreAbort" })];
    for (let i = 0; i < 5; i++) calls.push(ledger.command(system, "w"));
    await flush();
    // One in flight, two buffered, three parked puts: their callers are still waiting.
    expect(calls.map((c) => c.outcome === undefined)).toEqual([
      false,
      false,
      false,
      true,
      true,
      true,
    ]);
    expect(system.stats().channels.in).toMatchObject({ size: 2, pendingPuts: 3 });
    await stopNow(system, true, 30);
    expect(calls.map((c) => c.outcome)).toEqual(calls.map(() => ({ ok: true, value: true })));
    expect(ledger.drops("shutdown")).toHaveLength(6);
    expect(await ledger.check(system)).toMatchObject({ sent: 6, dropped: 6 });
  });

  test("async put mode past 1024 pending puts: the call is refused with ERR_PENDING_LIMIT and nothing is lost", async () => {
    const system = await start(ledger, { buffer: 1, putMode: "async" });
    ledger.command(system, "w", { fault: "held" });
    await flush();
    const calls = [];
    for (let i = 0; i < 1026; i++) calls.push(ledger.command(system, "w"));
    await Promise.all(calls.map((c) => c.done));
    const refused = calls.filter((c) => c.outcome?.ok === false);
    expect(refused).toHaveLength(1);
    expect(isCode((refused[0]!.outcome as { error: unknown }).error, "ERR_PENDING_LIMIT")).toBe(
      true,
    );
    gate.resolve();
    for (let i = 0; i < 10 && system.stats().workers.w!.processed < 1026; i++) await flush();
    await serves(ledger, system);
    await stopNow(system, true);
    ledger.drain(system, "out");
    expect(await ledger.check(system)).toMatchObject({ sent: 1030, processed: 1029, refused: 1 });
  });
});

describe("stop in the middle", () => {
  const faults: Fault[] = ["ok", "throw", "reject", "neverHonourAbort", "neverIgnoreAbort", "held"];
  test.each(faults.flatMap((f) => [[f, true] as const, [f, false] as const]))(
    "%s with drain=%s: every message ends once, new calls are refused, a new system serves",
    async (fault, drain) => {
      const system = await start(ledger, { buffer: 3, concurrency: 2, putMode: "block" });
      const calls = [];
      for (let i = 0; i < 8; i++) {
        const extra = i % 2 === 0 ? { fault } : {};
        calls.push(
          i % 3 === 0 ? ledger.request(system, "w", extra) : ledger.command(system, "w", extra),
        );
      }
      await flush();
      const stopping = stopNow(system, drain, 20);
      const late = ledger.command(system, "w");
      await stopping;
      gate.resolve();
      await flush();
      await late.done;
      expect(isCode((late.outcome as { error: unknown }).error, "ERR_STOPPED")).toBe(true);
      const before = ledger.events.length;
      await vi.advanceTimersByTimeAsync(1000);
      expect(ledger.events.length, "late outcomes change nothing").toBe(before);
      ledger.drain(system, "out");
      const tally = await ledger.check(system);
      expect(tally.sent).toBe(9);
      expect(tally.refused).toBe(1);
      const again = new Ledger();
      const next = await start(again);
      await serves(again, next);
      await stopNow(next, true);
    },
  );
});
