// Runs the README's examples (examples/*.ts) against in-memory stand-ins of the SDK packages.
import { context, trace } from "@opentelemetry/api";
import { afterAll, describe, expect, it } from "vitest";
import { metricExporters } from "./fakes/exporter-metrics-otlp-http.js";
import { traceExporters } from "./fakes/exporter-trace-otlp-http.js";
import { startedSdks } from "./fakes/sdk-node.js";

afterAll(async () => {
  for (const sdk of startedSdks) await sdk.shutdown();
});

describe("README examples", () => {
  it("otel-thread.ts starts an SDK and exports an around that activates the headers' context", async () => {
    const mod = await import("../examples/otel-thread.js");
    expect(startedSdks).toHaveLength(1);
    const traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    const info = { workerId: "w", channel: "in", dispatch: "thread", messageId: "1" } as const;
    const seen = await mod.around(info, { traceparent }, async () => {
      await Promise.resolve();
      trace.getTracer("user").startSpan("in thread").end();
      return trace.getSpanContext(context.active())?.spanId;
    });
    expect(seen).toBe("b7ad6b7169203331");
    // The SDK batches spans: the `shutdown` export flushes them (the runtime calls it at stop).
    expect(traceExporters[0]!.getFinishedSpans()).toEqual([]);
    await mod.shutdown();
    const [span] = traceExporters[0]!.getFinishedSpans();
    expect(span?.parentSpanContext?.spanId).toBe("b7ad6b7169203331");
    await startedSdks.pop()!.shutdown();
  });

  it("telemetry.ts registers tracing and metrics exporting over OTLP", async () => {
    const { sdk } = await import("../examples/telemetry.js");
    expect(startedSdks).toEqual([sdk]);
    trace.getTracer("t").startSpan("hello").end();
    await sdk.tracerProvider?.forceFlush();
    expect(
      traceExporters
        .at(-1)!
        .getFinishedSpans()
        .map((s) => s.name),
    ).toEqual(["hello"]);
    expect(metricExporters).toHaveLength(1);
  });
});

describe("examples/main.ts", () => {
  it("runs the whole setup in a child process: one trace from the HTTP span through the thread", async () => {
    const { execFile } = await import("node:child_process");
    const { mkdtempSync, readFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const file = join(mkdtempSync(join(tmpdir(), "workers-otel-")), "spans.jsonl");
    const main = new URL("../examples/main.ts", import.meta.url);
    const register = new URL("./fakes/register.mjs", import.meta.url).href;
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        ["--conditions=@workers/source", "--import", register, main.pathname],
        { env: { ...process.env, WORKERS_OTEL_FAKE_SPANS_FILE: file }, timeout: 60_000 },
        (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)),
      );
    });
    expect(stdout).toContain("stored 1 image(s)");
    const spans = readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .map(
        (line) =>
          JSON.parse(line) as {
            name: string;
            traceId: string;
            spanId: string;
            parentSpanId?: string;
            thread: boolean;
          },
      );
    const one = (name: string) => {
      const found = spans.filter((s) => s.name === name);
      expect(found, name).toHaveLength(1);
      return found[0]!;
    };
    const chain = [
      "POST /images",
      "send images/in",
      "process images/in",
      "send images/resize",
      "process images/resize",
      "send images/store",
      "process images/store",
    ].map(one);
    for (let i = 1; i < chain.length; i++) {
      expect(chain[i]!.traceId).toBe(chain[0]!.traceId);
      expect(chain[i]!.parentSpanId, chain[i]!.name).toBe(chain[i - 1]!.spanId);
    }
    const resize = one("resize");
    expect(resize.thread).toBe(true);
    expect(resize.parentSpanId).toBe(one("process images/resize").spanId);
  }, 60_000);
});
