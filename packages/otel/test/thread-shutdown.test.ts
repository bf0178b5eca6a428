// Spans a thread worker creates are flushed at stop: the setup module re-exports `shutdown`
// from @workers/otel/thread, and the runtime calls it in every thread before the pool ends.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { context } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { startWorkers } from "@workers/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { otelObservability } from "../src/index.js";
import { shutdown } from "../src/thread.js";
import type { RelayedSpan } from "./fixtures/span-relay.js";
import { testSdk } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "workers-otel-shutdown-"));
beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterAll(() => {
  context.disable();
  rmSync(dir, { recursive: true, force: true });
});

describe("shutdown()", () => {
  it("with only the API's no-op providers registered, resolves at once", async () => {
    await expect(shutdown()).resolves.toBeUndefined();
  });
});

// Threads start with the tsx loader: generous limits for a busy machine.
describe("thread spans at stop", { timeout: 30_000 }, () => {
  it("a span buffered in a thread's BatchSpanProcessor is exported before stop() resolves", async () => {
    const file = join(dir, "spans.jsonl");
    writeFileSync(file, "");
    const setup = new URL("./fixtures/batch-setup.ts", import.meta.url);
    setup.searchParams.set("file", file);
    const sdk = testSdk();
    const system = await startWorkers(
      {
        channels: { "work/in": { buffer: 1 } },
        workers: {
          work: {
            kind: "command",
            in: "work/in",
            expose: true,
            dispatch: "thread",
            workerFn: `${new URL("./fixtures/thread-workers.ts", import.meta.url).href}#traced`,
          },
        },
      },
      {
        obs: otelObservability({
          tracerProvider: sdk.tracerProvider,
          meterProvider: sdk.meterProvider,
        }),
      },
      {
        threads: {
          min: 1,
          max: 1,
          setup: setup.href,
          execArgv: ["--import", new URL("./register-tsx.mjs", import.meta.url).href],
        },
      },
    );
    await expect(system.request("work", 7)).resolves.toBe(7);
    // Still buffered in the thread: its processor exports only when flushed.
    expect(readFileSync(file, "utf8")).toBe("");
    await system.stop();

    const spans = readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line) as RelayedSpan);
    expect(spans.map((s) => s.name)).toEqual(["thread work"]);
    // Made under the main thread's process span (the setup module's `around`).
    const processSpan = sdk.span("process work/in");
    expect(spans[0]?.parentSpanId).toBe(processSpan.spanContext().spanId);
    expect(spans[0]?.traceId).toBe(processSpan.spanContext().traceId);
  });
});
