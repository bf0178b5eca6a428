// Fairness: a worker fed without pause must not starve the event loop. The loop yields to the
// macrotask queue every 1024 messages, whether its messages complete synchronously, in a
// microtask (an async function that awaits nothing slow), or arrive through a parked take; so
// timers (request timeouts, stop deadlines, tickers) and I/O keep running under load.
import { describe, expect, test } from "vitest";
import { startWorkers, type WorkersSystem } from "../../src/index.js";

const realSetImmediate = globalThis.setImmediate;

type Fn = (ctx: unknown, n: number) => unknown;

async function processedWhenAMacrotaskRan(
  workerFn: Fn,
  buffer: number,
  producers: number,
): Promise<{ atMacrotask: number; total: number }> {
  const total = 20_000;
  const system: WorkersSystem<any> = await startWorkers(
    {
      channels: { in: { buffer, putMode: "block" } },
      workers: { w: { kind: "command", in: "in", expose: true, workerFn } },
    } as never,
    {},
  );
  let atMacrotask = -1;
  realSetImmediate(() => {
    atMacrotask = system.stats().workers.w!.processed;
  });
  await Promise.all(
    Array.from({ length: producers }, async (_, p) => {
      for (let i = p; i < total; i += producers) await system.command("w", i);
    }),
  );
  await system.stop();
  return { atMacrotask: atMacrotask < 0 ? total : atMacrotask, total };
}

describe("a busy worker yields to timers and I/O", () => {
  test.each([
    ["synchronous, buffered", (_c: unknown, n: number) => n, 1024, 4],
    ["async (microtasks only), buffered", async (_c: unknown, n: number) => n, 1024, 4],
    [
      "async, unbuffered (every message through a parked take)",
      async (_c: unknown, n: number) => n,
      0,
      2,
    ],
    ["synchronous, unbuffered", (_c: unknown, n: number) => n, 0, 2],
  ] as const)(
    "%s: a macrotask runs within the first few thousand messages",
    async (_name, fn, buffer, producers) => {
      const { atMacrotask, total } = await processedWhenAMacrotaskRan(fn as Fn, buffer, producers);
      expect(atMacrotask).toBeLessThan(4 * 1024);
      expect(atMacrotask).toBeLessThan(total);
    },
  );
});
