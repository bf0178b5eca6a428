// OTLP export when OTEL_EXPORTER_OTLP_ENDPOINT is set, against a stand-in collector.
import { createServer, type Server } from "node:http";
import { trace } from "@opentelemetry/api";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { close, listen } from "../src/http-util.js";
import { startTelemetry } from "../src/telemetry.js";

let collector: Server;
let url: string;
const received: { path: string; bytes: number }[] = [];

beforeAll(async () => {
  collector = createServer((req, res) => {
    let bytes = 0;
    req.on("data", (c: Buffer) => {
      bytes += c.length;
    });
    req.on("end", () => {
      received.push({ path: req.url ?? "", bytes });
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  url = await listen(collector, 0, "127.0.0.1");
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await close(collector);
});

describe("telemetry", () => {
  it("is off without OTEL_EXPORTER_OTLP_ENDPOINT", async () => {
    expect(await startTelemetry({})).toBeUndefined();
  });

  it("exports spans and metrics over OTLP/HTTP and hands the runtime the otel component", async () => {
    vi.stubEnv("OTEL_EXPORTER_OTLP_ENDPOINT", url);
    const telemetry = await startTelemetry();
    expect(telemetry).toBeDefined();
    const obs = telemetry!.observability;
    expect(typeof obs.emit).toBe("function");
    expect(typeof obs.inject).toBe("function");
    expect(typeof obs.around).toBe("function");

    // The component writes W3C trace context into a message's headers.
    const headers: Record<string, string> = {};
    trace.getTracer("test").startActiveSpan("submit", (span) => {
      obs.inject!(headers, { channel: "images/in" });
      span.end();
    });
    expect(headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);

    await telemetry!.shutdown();
    expect(received.map((r) => r.path)).toEqual(
      expect.arrayContaining(["/v1/traces", "/v1/metrics"]),
    );
    expect(received.every((r) => r.bytes > 0)).toBe(true);
  });
});
