// A worker with `retry` through the runtime: each attempt is its own process span with
// `workers.attempt`; a failure that is retried is not counted as failed, only the last one.
import { context, SpanStatusCode } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { startWorkers, type WorkersSystem } from "@workers/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { otelObservability } from "../src/index.js";
import { points, testSdk } from "./helpers.js";

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterAll(() => {
  context.disable();
});

describe("retry", () => {
  it("makes a process span per attempt and counts only the last failure", async () => {
    const sdk = testSdk();
    const obs = otelObservability({
      tracerProvider: sdk.tracerProvider,
      meterProvider: sdk.meterProvider,
    });
    const system: WorkersSystem<any> = await startWorkers(
      {
        channels: { in: { buffer: 4 } },
        workers: {
          w: {
            kind: "command",
            in: "in",
            expose: true,
            retry: { attempts: 3, backoffMs: 0 },
            workerFn: async (ctx: { attempt: number }, n: number) => {
              if (n === 1 && ctx.attempt < 3) throw new Error(`flaky ${ctx.attempt}`);
              if (n === 2) throw new Error(`broken ${ctx.attempt}`);
              return n;
            },
          },
        },
      } as never,
      { observability: obs },
    );
    await expect(system.request("w", 1)).resolves.toBe(1);
    await expect(system.request("w", 2)).rejects.toThrow("broken 3");
    await system.stop();
    const process = sdk
      .spans()
      .filter((s) => s.name.startsWith("process"))
      .map((s) => ({
        attempt: s.attributes["workers.attempt"],
        error: s.status.code === SpanStatusCode.ERROR,
      }));
    expect(process).toEqual([
      { attempt: 1, error: true },
      { attempt: 2, error: true },
      { attempt: 3, error: false },
      { attempt: 1, error: true },
      { attempt: 2, error: true },
      { attempt: 3, error: true },
    ]);
    // One message failed (the second, after its last attempt); the first did not.
    const failed = points(await sdk.metric("workers.messages.failed"));
    expect(failed.reduce((sum, p) => sum + (p.value as number), 0)).toBe(1);
  });
});
