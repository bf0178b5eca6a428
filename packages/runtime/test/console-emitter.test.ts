// With no emitter among the components, the runtime reports to the console: errors with their
// stack, guard warnings, and drops as one line of counts per channel at most once a second.
import { afterEach, beforeEach, expect, test, vi } from "vitest";
import { startWorkers, type WorkersSystem } from "../src/index.js";

let error: ReturnType<typeof vi.spyOn>;
let warn: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  error = vi.spyOn(console, "error").mockImplementation(() => {});
  warn = vi.spyOn(console, "warn").mockImplementation(() => {});
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

function definition(workerFn: (ctx: unknown, n: number) => unknown) {
  return {
    channels: { in: { buffer: 1, bufferType: "dropping" } },
    workers: { w: { kind: "command", in: "in", expose: true, workerFn } },
  } as never;
}

test("a worker's error reaches console.error with the error itself (its stack)", async () => {
  const boom = new Error("boom");
  const system: WorkersSystem<any> = await startWorkers(
    definition(() => {
      throw boom;
    }),
  );
  await expect(system.request("w", 1)).rejects.toBe(boom);
  await system.stop();
  expect(error).toHaveBeenCalledTimes(1);
  expect(error.mock.calls[0]).toContain(boom);
  expect(String(error.mock.calls[0]![0])).toContain('"w"');
});

test("a go worker blocking the event loop is a console warning with the dev guard on", async () => {
  const system: WorkersSystem<any> = await startWorkers(
    definition(() => {
      const until = performance.now() + 40;
      while (performance.now() < until) {
        // blocks the event loop on purpose
      }
      return 1;
    }),
    {},
    { devGuard: true, guardMs: 10 },
  );
  await system.request("w", 1);
  await system.stop();
  expect(warn).toHaveBeenCalledTimes(1);
  expect(String(warn.mock.calls[0]![0])).toContain('"w"');
});

test("drops are one line of counts per channel, at most once a second, the rest at stop", async () => {
  vi.useFakeTimers();
  const system: WorkersSystem<any> = await startWorkers(definition(() => new Promise(() => {})));
  const input = system.channels.in!;
  // The worker holds the first, the buffer the second, the next three are dropped.
  for (let i = 0; i < 5; i++) input.offer(i);
  expect(warn).not.toHaveBeenCalled();
  await vi.advanceTimersByTimeAsync(1000);
  expect(warn).toHaveBeenCalledTimes(1);
  expect(String(warn.mock.calls[0]![0])).toMatch(/in: 3 buffer-dropped/);
  input.offer(5);
  const stopping = system.stop({ drain: false });
  await vi.advanceTimersByTimeAsync(200);
  await stopping;
  // One drop after the first report, plus what stop gave up on, reported at stop.
  expect(warn).toHaveBeenCalledTimes(2);
  expect(String(warn.mock.calls[1]![0])).toMatch(/in: 1 buffer-dropped, \d+ shutdown/);
});

test("any emitter passed replaces the console one, even one that does nothing", async () => {
  const system: WorkersSystem<any> = await startWorkers(
    definition(() => {
      throw new Error("quiet");
    }),
    { obs: () => {} },
  );
  await expect(system.request("w", 1)).rejects.toThrow("quiet");
  await system.stop();
  expect(error).not.toHaveBeenCalled();
  expect(warn).not.toHaveBeenCalled();
});
