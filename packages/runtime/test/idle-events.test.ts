// system.onIdle() and system.onEvent(type?).
import { describe, expect, it } from "vitest";
import { startWorkers, type WorkersEvent, type WorkersSystem } from "../src/index.js";

function latch(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

async function system(gates: Promise<void>[]): Promise<WorkersSystem<any>> {
  return startWorkers(
    {
      channels: { in: { buffer: 8 }, next: { buffer: 8 } },
      workers: {
        first: {
          kind: "command",
          in: "in",
          expose: true,
          outputChan: "next",
          workerFn: async (_c: unknown, n: number) => {
            await gates[n];
            return n;
          },
        },
        second: {
          kind: "command",
          in: "next",
          workerFn: (_c: unknown, n: number) => {
            if (n === 1) throw new Error("one");
          },
        },
      },
    } as never,
    { obs: () => {} },
  );
}

describe("onIdle", () => {
  it("resolves exactly when every input is empty and nothing is in flight, downstream included", async () => {
    const gates = [latch(), latch(), latch()];
    const s = await system(gates.map((g) => g.promise));
    await s.onIdle(); // idle before any work
    for (const n of [0, 1, 2]) await s.command("first", n);
    let idle = false;
    const waiting = s.onIdle().then(() => {
      idle = true;
    });
    gates[0]!.open();
    gates[1]!.open();
    // Let everything that can run, run: still one message held by its gate.
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(idle).toBe(false);
    expect(s.stats().workers.first!.inFlight).toBe(1);
    gates[2]!.open();
    await waiting;
    const stats = s.stats();
    expect(stats.workers.first!.processed).toBe(3);
    expect(stats.workers.second!.processed + stats.workers.second!.errors).toBe(3);
    expect(stats.channels.in!.size + stats.channels.next!.size).toBe(0);
    await s.stop();
    await s.onIdle(); // after stop: at once
  });
});

describe("onEvent", () => {
  it("iterates the events of one type, or all, and ends after workers.stop", async () => {
    const gates = [Promise.resolve(), Promise.resolve(), Promise.resolve()];
    const s = await system(gates);
    const errors: WorkersEvent[] = [];
    const all: string[] = [];
    const readErrors = (async () => {
      for await (const e of s.onEvent("workers.error")) errors.push(e);
    })();
    const readAll = (async () => {
      for await (const e of s.onEvent()) all.push(e.type);
    })();
    for (const n of [0, 1, 2]) await s.command("first", n);
    await s.onIdle();
    await s.stop();
    await Promise.all([readErrors, readAll]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ type: "workers.error", workerId: "second", message: "one" });
    expect(all).toEqual(["workers.error", "workers.stop"]);
  });

  it("break ends a reader and stops collecting for it; after stop an iterator is done", async () => {
    const s = await system([Promise.resolve(), Promise.resolve()]);
    const it = s.onEvent("workers.error");
    await s.command("first", 1);
    await s.onIdle();
    const first = await it.next();
    expect(first.done).toBe(false);
    await it.return!();
    expect(await it.next()).toEqual({ value: undefined, done: true });
    await s.stop();
    expect(await s.onEvent().next()).toEqual({ value: undefined, done: true });
    expect(() => s.onEvent(42 as never)).toThrow(
      expect.objectContaining({ code: "ERR_INVALID_ARGUMENT" }),
    );
  });
});
