// Fault injection on thread workers (piscina): throws, rejects, non-Error and non-cloneable
// throws, a result that cannot be cloned, a message that cannot be cloned, process.exit, running
// out of memory under resourceLimits, never settling (with a request timeout), and stop in the
// middle of a blocked thread with work queued behind it. One system serves the whole file (a
// thread start costs); each test checks its own messages, the last one stops the system and
// checks the law over everything the file sent. Threads are driven by SharedArrayBuffer
// latches, never by sleeps.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startWorkers, type WorkersSystem } from "../../src/index.js";
import { faultsRef, isCode, Ledger, report, sentCounts, tsxExecArgv } from "./ledger.js";

const all = new Ledger();
let ledger = new Ledger(all);
let system: WorkersSystem<any>;

function definition(buffer = 64) {
  return {
    channels: { in: { buffer }, out: { buffer: 4096 } },
    workers: {
      t: {
        kind: "command",
        in: "in",
        workerFn: faultsRef("mixed"),
        dispatch: "thread",
        expose: true,
        concurrency: 4,
        outputChan: "out",
      },
    },
  } as never;
}

beforeAll(async () => {
  system = await startWorkers(
    definition(),
    { obs: (e) => ledger.emit(e as never) },
    { threads: { min: 1, max: 1, concurrentTasksPerThread: 2, execArgv: tsxExecArgv } },
  );
});
afterAll(async () => {
  await system.stop({ timeoutMs: 1000 });
  report("thread-faults", sentCounts);
});

/** Settles every call of this test, drains the output and checks the law for them. */
async function settle(l: Ledger, sys = system): Promise<ReturnType<Ledger["check"]>> {
  await l.check(sys, { stats: false }).catch(() => undefined);
  l.drain(sys, "out");
  return l.check(sys, { stats: false });
}

async function serves(l: Ledger, sys = system): Promise<void> {
  const calls = [0, 1, 2].map(() => l.request(sys, "t"));
  await Promise.all(calls.map((c) => c.done));
  for (const c of calls) expect(c.outcome).toEqual({ ok: true, value: { id: c.id } });
}

function errorOf(call: { outcome: unknown }): unknown {
  const o = call.outcome as { ok: boolean; error?: unknown };
  expect(o.ok).toBe(false);
  return o.error;
}

// Atomics.waitAsync (Node 16+) is not in the ES2022 lib the package compiles against.
const waitAsync = (
  Atomics as unknown as {
    waitAsync(
      a: Int32Array,
      i: number,
      v: number,
    ): { async: boolean; value: Promise<unknown> | string };
  }
).waitAsync;

/** Resolves once the thread set "started" (without blocking the event loop). */
async function started(l: Int32Array): Promise<void> {
  while (Atomics.load(l, 1) === 0) {
    const wait = waitAsync(l, 1, 0);
    if (wait.async) await wait.value;
  }
}

describe("thread worker faults", () => {
  test("throws and rejects: the request rejects with the error rebuilt (name, message)", async () => {
    ledger = new Ledger(all);
    const thrown = ledger.request(system, "t", { fault: "throw" });
    const rejected = ledger.request(system, "t", { fault: "reject" });
    await Promise.all([thrown.done, rejected.done]);
    expect(errorOf(thrown)).toMatchObject({ name: "Error", message: `fail ${thrown.id}` });
    expect(errorOf(rejected)).toBeInstanceOf(RangeError);
    await serves(ledger);
    expect(await settle(ledger)).toMatchObject({ sent: 5, processed: 3, failed: 2 });
  });

  test("throws a non-Error: the request rejects with the value", async () => {
    ledger = new Ledger(all);
    const call = ledger.request(system, "t", { fault: "throwNonError" });
    await call.done;
    expect(errorOf(call)).toBe(`non-error ${call.id}`);
    await serves(ledger);
    expect(await settle(ledger)).toMatchObject({ sent: 4, processed: 3, failed: 1 });
  });

  test("throws a value that can be neither cloned nor printed: only that message fails, its batch-mates succeed", async () => {
    ledger = new Ledger(all);
    const calls = [];
    for (let i = 0; i < 24; i++) {
      calls.push(ledger.request(system, "t", i === 5 ? { fault: "throwUncloneable" } : {}));
    }
    await Promise.all(calls.map((c) => c.done));
    const failed = calls.filter((c) => c.outcome?.ok === false);
    expect(failed.map((c) => c.id)).toEqual([calls[5]!.id]);
    expect(isCode(errorOf(failed[0]!), "ERR_THREAD_CRASHED")).toBe(false);
    expect(await settle(ledger)).toMatchObject({ sent: 24, processed: 23, failed: 1 });
  });

  test("returns a value whose then getter throws: only that message fails, with the getter's error", async () => {
    ledger = new Ledger(all);
    const calls = [];
    for (let i = 0; i < 16; i++) {
      calls.push(ledger.request(system, "t", i === 7 ? { fault: "throwingThen" } : {}));
    }
    await Promise.all(calls.map((c) => c.done));
    const failed = calls.filter((c) => c.outcome?.ok === false);
    expect(failed.map((c) => c.id)).toEqual([calls[7]!.id]);
    expect(errorOf(failed[0]!)).toMatchObject({ message: `then getter ${calls[7]!.id}` });
    expect(await settle(ledger)).toMatchObject({ sent: 16, processed: 15, failed: 1 });
  });

  test("returns a value that cannot be cloned: the message fails with ERR_THREAD_CRASHED, the pool serves on", async () => {
    ledger = new Ledger(all);
    const call = ledger.request(system, "t", { fault: "uncloneableResult" });
    await call.done;
    expect(isCode(errorOf(call), "ERR_THREAD_CRASHED")).toBe(true);
    await serves(ledger);
    expect(await settle(ledger)).toMatchObject({ sent: 4, processed: 3, failed: 1 });
  });

  test.each([
    ["a function", () => () => 1],
    ["a symbol", () => Symbol("s")],
    ["a WeakMap", () => new WeakMap()],
    ["a promise", () => Promise.resolve(1)],
  ])(
    "a message holding %s cannot be cloned: it fails with a coded error, its batch-mates succeed",
    async (_name, make) => {
      ledger = new Ledger(all);
      const calls = [];
      for (let i = 0; i < 12; i++)
        calls.push(ledger.request(system, "t", i === 3 ? { bad: make() } : {}));
      await Promise.all(calls.map((c) => c.done));
      const failed = calls.filter((c) => c.outcome?.ok === false);
      expect(failed.map((c) => c.id)).toEqual([calls[3]!.id]);
      expect(errorOf(failed[0]!)).toMatchObject({ code: "ERR_INVALID_MESSAGE" });
      expect(await settle(ledger)).toMatchObject({ sent: 12, processed: 11, failed: 1 });
    },
  );

  test("process.exit in a thread: that message fails with ERR_THREAD_CRASHED, messages behind it are not lost", async () => {
    ledger = new Ledger(all);
    const calls = [ledger.request(system, "t", { fault: "exit" })];
    for (let i = 0; i < 10; i++) calls.push(ledger.request(system, "t"));
    await Promise.all(calls.map((c) => c.done));
    expect(isCode(errorOf(calls[0]!), "ERR_THREAD_CRASHED")).toBe(true);
    await serves(ledger);
    const tally = await settle(ledger);
    // Messages that shared the dying thread's task may fail with it; none is lost.
    expect(tally.sent).toBe(14);
    expect(tally.processed + tally.failed).toBe(14);
  });

  test("never settles: the request times out (ERR_TIMEOUT) and ends once as failed, the pool serves on", async () => {
    ledger = new Ledger(all);
    const honour = ledger.request(system, "t", { fault: "neverHonourAbort" }, { timeoutMs: 30 });
    const ignore = ledger.request(system, "t", { fault: "neverIgnoreAbort" }, { timeoutMs: 30 });
    await Promise.all([honour.done, ignore.done]);
    expect(isCode(errorOf(honour), "ERR_TIMEOUT")).toBe(true);
    expect(isCode(errorOf(ignore), "ERR_TIMEOUT")).toBe(true);
    await serves(ledger);
    expect(await settle(ledger)).toMatchObject({ sent: 5, processed: 3, failed: 2 });
  });

  test("stop in the middle: a blocked thread, messages queued behind it; each ends once, calls after are refused", async () => {
    ledger = new Ledger(all);
    const gate = new Int32Array(new SharedArrayBuffer(12));
    const calls = [ledger.request(system, "t", { fault: "block", latch: gate })];
    await started(gate);
    for (let i = 0; i < 20; i++)
      calls.push(i % 2 ? ledger.command(system, "t") : ledger.request(system, "t"));
    const stopping = system.stop({ timeoutMs: 50 });
    const late = ledger.request(system, "t");
    Atomics.store(gate, 0, 1);
    Atomics.notify(gate, 0);
    await stopping;
    await late.done;
    expect(isCode(errorOf(late), "ERR_STOPPED")).toBe(true);
    ledger.drain(system, "out");
    const tally = await ledger.check(system, { stats: false });
    expect(tally.sent).toBe(22);
    expect(tally.refused).toBe(1);
    // Over the whole file: every message sent ended exactly once; stats agree with the events.
    all.drain(system, "out");
    const total = await all.check(system);
    expect(total.sent).toBeGreaterThan(100);
    expect(system.stats().workers.t?.inFlight).toBe(0);
  });
});

test("out of memory under resourceLimits: the message fails with ERR_THREAD_CRASHED, the pool serves on", async () => {
  const l = new Ledger();
  const limited = await startWorkers(
    definition(),
    { obs: l.emit },
    {
      threads: {
        min: 1,
        max: 1,
        execArgv: tsxExecArgv,
        resourceLimits: { maxOldGenerationSizeMb: 32 },
      },
    },
  );
  try {
    const call = l.request(limited, "t", { fault: "oom" });
    await call.done;
    const error = errorOf(call) as { code: string; cause: unknown };
    expect(error.code).toBe("ERR_THREAD_CRASHED");
    expect(error.cause).toMatchObject({ code: "ERR_WORKER_OUT_OF_MEMORY" });
    await serves(l, limited);
  } finally {
    await limited.stop();
  }
  l.drain(limited, "out");
  expect(await l.check(limited)).toMatchObject({ sent: 4, processed: 3, failed: 1 });
});

describe("stop in the middle of each thread fault", () => {
  test.each([
    ["throw", true],
    ["reject", false],
    ["throwNonError", true],
    ["uncloneableResult", false],
    ["exit", true],
    ["neverHonourAbort", false],
    ["neverIgnoreAbort", true],
  ] as const)(
    "%s (drain: %s): every message ends once, late calls are refused",
    async (fault, drain) => {
      const l = new Ledger();
      const sys = await startWorkers(
        definition(8),
        { obs: l.emit },
        {
          threads: { min: 1, max: 1, execArgv: tsxExecArgv },
        },
      );
      const calls = [];
      for (let i = 0; i < 12; i++) {
        const extra = i % 3 === 0 ? { fault } : {};
        calls.push(i % 2 === 0 ? l.request(sys, "t", extra) : l.command(sys, "t", extra));
      }
      const stopping = sys.stop({ drain, timeoutMs: 50 });
      const late = l.command(sys, "t");
      await stopping;
      await late.done;
      expect(isCode(errorOf(late), "ERR_STOPPED")).toBe(true);
      l.drain(sys, "out");
      const tally = await l.check(sys);
      expect(tally.sent).toBe(13);
      expect(tally.refused).toBe(1);
      expect(sys.stats().threads).toMatchObject({ threads: 0, queueSize: 0 });
    },
  );
});
