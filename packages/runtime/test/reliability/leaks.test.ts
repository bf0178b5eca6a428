// Leak checks: after stop, the process holds no more timers, handles, ports or abort listeners
// than before the system started (process.getActiveResourcesInfo(), events.getEventListeners),
// channels hold no pending puts or takes, and hundreds of start/stop cycles leave no system
// reachable (WeakRefs after a full GC) and no heap growth beyond a small bound. The soak runs
// the same cycle 10 000 times (`pnpm soak`).
import { getEventListeners } from "node:events";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, test } from "vitest";
import { cycle, resourceCounts } from "../../soak/cycles.js";
import { startWorkers, type WorkersSystem } from "../../src/index.js";
import { faultsRef, flush, Ledger, tsxExecArgv } from "./ledger.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** Waits (a bounded number of event-loop turns) until no resource type exceeds its baseline. */
async function backToBaseline(before: Record<string, number>): Promise<Record<string, number>> {
  let extra: Record<string, number> = {};
  for (let turn = 0; turn < 200; turn++) {
    extra = {};
    for (const [type, n] of Object.entries(resourceCounts())) {
      if (n > (before[type] ?? 0)) extra[type] = n - (before[type] ?? 0);
    }
    if (Object.keys(extra).length === 0) return extra;
    await flush();
  }
  return extra;
}

function noPending(system: WorkersSystem<any>): void {
  const stats = system.stats();
  for (const [name, ch] of Object.entries(stats.channels)) {
    expect({
      name,
      pendingPuts: ch.pendingPuts,
      pendingTakes: ch.pendingTakes,
      closed: ch.closed,
    }).toEqual({
      name,
      pendingPuts: 0,
      pendingTakes: 0,
      closed: true,
    });
  }
  for (const w of Object.values(stats.workers)) expect(w.inFlight).toBe(0);
}

describe("after stop nothing is left behind", () => {
  test("go workers, a ticker, request timeouts and abort signals: timers, handles and listeners back to the baseline", async () => {
    await flush();
    const before = resourceCounts();
    const ledger = new Ledger();
    const signal = new AbortController().signal;
    const system = await startWorkers(
      {
        channels: {
          in: { buffer: 4, putMode: "block" },
          out: { buffer: 1 },
          ticks: { buffer: 1, bufferType: "sliding" },
        },
        workers: {
          w: {
            kind: "command",
            in: "in",
            expose: true,
            concurrency: 2,
            outputChan: "out",
            workerFn: (ctx: { signal: AbortSignal }, msg: { id: number; hang?: boolean }) =>
              msg.hang === true
                ? new Promise((_r, reject) =>
                    ctx.signal.addEventListener("abort", () => reject(new Error("aborted"))),
                  )
                : { id: msg.id },
          },
          tick: { kind: "ticker", intervalMs: 5, out: "ticks" },
        },
      } as never,
      { obs: ledger.emit },
      { devGuard: true, guardMs: 1000 },
    );
    // Settled requests (with timers and a shared signal), a timed-out one, a refused one.
    for (let i = 0; i < 50; i++)
      await ledger.request(system, "w", {}, { timeoutMs: 60_000, signal }).done;
    await ledger.request(system, "w", { hang: true }, { timeoutMs: 1, signal }).done;
    for (let i = 0; i < 20; i++) ledger.command(system, "w");
    expect(getEventListeners(signal, "abort")).toHaveLength(0);
    // One still running at stop, with its timeout and signal listener.
    const stuck = ledger.request(system, "w", { hang: true }, { timeoutMs: 60_000, signal });
    await flush();
    await system.stop({ timeoutMs: 20 });
    await stuck.done;
    expect(getEventListeners(signal, "abort")).toHaveLength(0);
    noPending(system);
    ledger.drain(system, "out");
    await ledger.check(system);
    expect(await backToBaseline(before)).toEqual({});
  });

  test("a thread worker: the pool's threads, ports and timers are gone after stop", async () => {
    await flush();
    const before = resourceCounts();
    const signal = new AbortController().signal;
    const system: WorkersSystem<any> = await startWorkers(
      {
        channels: { in: { buffer: 8 } },
        workers: {
          t: {
            kind: "command",
            in: "in",
            workerFn: faultsRef("mixed"),
            dispatch: "thread",
            expose: true,
            concurrency: 4,
          },
        },
      } as never,
      {},
      { threads: { min: 2, max: 2, execArgv: tsxExecArgv } },
    );
    const calls = [];
    for (let i = 0; i < 40; i++)
      calls.push(system.request("t", { id: i }, { timeoutMs: 60_000, signal }));
    calls.push(
      system
        .request("t", { id: 99, fault: "neverHonourAbort" }, { timeoutMs: 60_000, signal })
        .catch(() => "stopped"),
    );
    await Promise.all(calls.slice(0, 40));
    await system.stop({ timeoutMs: 20 });
    await Promise.all(calls);
    expect(getEventListeners(signal, "abort")).toHaveLength(0);
    noPending(system);
    expect(system.stats().threads).toMatchObject({ threads: 0, queueSize: 0 });
    expect(await backToBaseline(before)).toEqual({});
  });
});

describe("under load", () => {
  test("a queue of parked puts that never empties keeps nothing it already delivered", async () => {
    const system: WorkersSystem<any> = await startWorkers(
      {
        channels: { in: { buffer: 16, putMode: "block" } },
        workers: {
          w: {
            kind: "command",
            in: "in",
            expose: true,
            workerFn: async (_c: unknown, m: { n: number }) => m.n,
          },
        },
      } as never,
      {},
    );
    const early: WeakRef<object>[] = [];
    let producing = true;
    // Four producers against one consumer: there are always parked puts behind a full buffer.
    const producers = [0, 1, 2, 3].map(async (p) => {
      for (let n = p; producing; n += 4) {
        const body = { n };
        if (n < 2000) early.push(new WeakRef(body));
        await system.command("w", body);
      }
    });
    while (system.stats().workers.w!.processed < 20_000) await flush();
    expect(system.stats().channels.in!.pendingPuts).toBeGreaterThan(0);
    gc();
    const alive = early.filter((r) => r.deref() !== undefined).length;
    producing = false;
    await Promise.all(producers);
    await system.stop();
    // Before the channels' ring queues, every delivered message stayed reachable through the
    // parked-put chain (1982 of these 2000). A channel may still hold the value of the last
    // operation each of its two queues handed over: at most that.
    expect(alive, "delivered messages still reachable").toBeLessThanOrEqual(2);
  });
});

describe("start/stop cycles", () => {
  test("500 cycles: every system is collectable after stop and the heap does not grow", async () => {
    // Warm up (module caches, JIT, validation caches: the heap grows by about 0.7 MB over the
    // first few hundred cycles, then stays flat).
    for (let i = 0; i < 300; i++) await cycle(i);
    // Two blocks of 500 cycles: a leak grows the heap in both, while a collector's timing
    // (what it has not compacted yet) shows in one at most.
    const growths: number[] = [];
    for (let block = 0; block < 2; block++) {
      await flush();
      gc();
      const heapBefore = process.memoryUsage().heapUsed;
      const refs: WeakRef<object>[] = [];
      for (let i = 0; i < 500; i++) refs.push(new WeakRef(await cycle(i)));
      // A collector may keep an object one more collection than it needs to (Node 26's V8 can
      // find a stale pointer on the stack), so a system counts as leaked only when it is still
      // reachable after 20 turns of the event loop, each followed by a full GC.
      for (let turn = 0; turn < 20 && refs.some((r) => r.deref() !== undefined); turn++) {
        await flush();
        gc();
      }
      const alive = refs.filter((r) => r.deref() !== undefined).length;
      expect(alive, "systems still reachable after stop").toBe(0);
      growths.push(process.memoryUsage().heapUsed - heapBefore);
    }
    if (process.env.RELIABILITY_REPORT !== undefined)
      console.log(`RELIABILITY cycles heap growth ${growths.join(", ")}`);
    // A leak of one small object graph per cycle (a few KB) would exceed this many times over.
    expect(Math.min(...growths)).toBeLessThan(1024 * 1024);
  });

  test("dev guard cycles leave no async-context propagation behind", async () => {
    // Each enabled AsyncLocalStorage marks every new promise (Node 20/22 async-hooks based
    // context); a stopped system's guard must not keep one enabled.
    const marks = (): number => Object.getOwnPropertySymbols(Promise.resolve()).length;
    for (let i = 0; i < 2; i++) await cycle(i, { devGuard: true });
    const before = marks();
    for (let i = 0; i < 20; i++) await cycle(i, { devGuard: true });
    expect(marks()).toBe(before);
  });
});
