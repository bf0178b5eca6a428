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
    const seen = await mod.around({}, { traceparent }, async () => {
      await Promise.resolve();
      trace.getTracer("user").startSpan("in thread").end();
      return trace.getSpanContext(context.active())?.spanId;
    });
    expect(seen).toBe("b7ad6b7169203331");
    const [span] = traceExporters[0]!.getFinishedSpans();
    expect(span?.parentSpanContext?.spanId).toBe("b7ad6b7169203331");
    await startedSdks.pop()!.shutdown();
  });

  it("telemetry.ts registers tracing and metrics exporting over OTLP", async () => {
    const { sdk } = await import("../examples/telemetry.js");
    expect(startedSdks).toEqual([sdk]);
    trace.getTracer("t").startSpan("hello").end();
    expect(
      traceExporters
        .at(-1)!
        .getFinishedSpans()
        .map((s) => s.name),
    ).toEqual(["hello"]);
    expect(metricExporters).toHaveLength(1);
  });
});
