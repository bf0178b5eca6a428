// Thread workers' channel puts are carried out on the main thread in the context of the message
// that issued them: with several messages in flight, each onward put joins its own trace.
import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { startWorkers, type WorkersSystem } from "@workers/runtime";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { otelObservability } from "../src/index.js";
import { testSdk } from "./helpers.js";

const threads = {
  min: 2,
  max: 2,
  execArgv: ["--import", new URL("./register-tsx.mjs", import.meta.url).href],
};

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterAll(() => {
  context.disable();
});

let system: WorkersSystem | undefined;
afterEach(async () => {
  await system?.stop();
  system = undefined;
}, 30_000);

const IN_FLIGHT = 4;

// Threads start with the tsx loader: generous limits for a busy machine.
describe("thread channel puts", { timeout: 30_000 }, () => {
  it("at concurrency 4, each message's onward put is a child of its own process span", async () => {
    const sdk = testSdk();
    const obs = otelObservability({
      tracerProvider: sdk.tracerProvider,
      meterProvider: sdk.meterProvider,
    });
    system = (await startWorkers(
      {
        channels: { "jobs/in": { buffer: 8 }, gate: { buffer: 0 }, out: { buffer: 8 } },
        workers: {
          job: {
            kind: "command",
            in: "jobs/in",
            expose: true,
            dispatch: "thread",
            concurrency: IN_FLIGHT,
            workerFn: `${new URL("./fixtures/thread-workers.ts", import.meta.url).href}#gated`,
          },
        },
      } as never,
      { obs } as never,
      { threads } as never,
    )) as WorkersSystem;
    const s = system;
    const tracer = sdk.tracerProvider.getTracer("app");
    const roots = Array.from({ length: IN_FLIGHT }, (_, n) => tracer.startSpan(`request ${n}`));
    for (const [n, root] of roots.entries()) {
      await context.with(trace.setSpan(context.active(), root), () =>
        s.command("job" as never, { n } as never),
      );
    }
    // Every message is in flight, parked on its first put, before any goes on.
    const gate = s.channels.gate!;
    await vi.waitFor(() => expect(gate.pendingPuts).toBe(IN_FLIGHT), { timeout: 20_000 });
    for (let n = 0; n < IN_FLIGHT; n++) await gate.take();
    const out = s.channels.out!;
    const seen: number[] = [];
    for (let n = 0; n < IN_FLIGHT; n++) seen.push((await out.take()) as number);
    expect(seen.sort()).toEqual([0, 1, 2, 3]);
    await s.stop();
    for (const root of roots) root.end();

    const spans = sdk.spans();
    const byId = new Map(spans.map((span) => [span.spanContext().spanId, span]));
    const processes = spans.filter((span) => span.name === "process jobs/in");
    expect(processes).toHaveLength(IN_FLIGHT);
    // One trace per message: each process span descends from its own request's root.
    const traces = new Set(processes.map((p) => p.spanContext().traceId));
    expect(traces).toEqual(new Set(roots.map((r) => r.spanContext().traceId)));
    for (const name of ["send gate", "send out"]) {
      const sends = spans.filter((span) => span.name === name);
      expect(sends).toHaveLength(IN_FLIGHT);
      const parents = sends.map((send) => byId.get(send.parentSpanContext?.spanId ?? ""));
      for (const [k, parent] of parents.entries()) {
        expect(parent?.name).toBe("process jobs/in");
        expect(sends[k]!.spanContext().traceId).toBe(parent!.spanContext().traceId);
      }
      // Each message's put under its own process span, never a sibling's.
      expect(new Set(parents)).toEqual(new Set(processes));
    }
  });
});
