// OTLP export when OTEL_EXPORTER_OTLP_ENDPOINT is set, against a stand-in collector.
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { trace } from "@opentelemetry/api";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { close, listen } from "../src/http-util.js";
import { startImageServer } from "../src/image-server.js";
import { startService } from "../src/service.js";
import { startTelemetry } from "../src/telemetry.js";
import { generateTestImages } from "../src/test-images.js";

const threads = {
  max: 1,
  execArgv: [
    "--import",
    new URL("./register-tsx.mjs", import.meta.url).href,
    "--conditions=@workers/source",
  ],
};

let collector: Server;
let url: string;
let dir: string;
const received: { path: string; body: string }[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pipeline-otel-"));
  collector = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ path: req.url ?? "", body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  url = await listen(collector, 0, "127.0.0.1");
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await close(collector);
  await rm(dir, { recursive: true, force: true });
});

/** Span names in the OTLP/JSON trace exports received so far. */
function spanNames(): string[] {
  const names: string[] = [];
  for (const r of received) {
    if (r.path !== "/v1/traces") continue;
    const data = JSON.parse(r.body) as {
      resourceSpans: { scopeSpans: { spans: { name: string }[] }[] }[];
    };
    for (const rs of data.resourceSpans)
      for (const ss of rs.scopeSpans) for (const s of ss.spans) names.push(s.name);
  }
  return names;
}

describe("telemetry", () => {
  it("is off without OTEL_EXPORTER_OTLP_ENDPOINT", async () => {
    expect(await startTelemetry({})).toBeUndefined();
  });

  it("exports the pipeline's spans and metrics over OTLP/HTTP", async () => {
    vi.stubEnv("OTEL_EXPORTER_OTLP_ENDPOINT", url);
    const telemetry = await startTelemetry();
    expect(telemetry).toBeDefined();
    const obs = telemetry!.observability;

    // The component writes W3C trace context into a message's headers.
    const headers: Record<string, string> = {};
    trace.getTracer("test").startActiveSpan("submit", (span) => {
      obs.inject!(headers, { channel: "images/in" });
      span.end();
    });
    expect(headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);

    await generateTestImages(join(dir, "images"), { count: 2, seed: 5 });
    const images = await startImageServer(join(dir, "images"));
    const service = await startService({
      outDir: join(dir, "out"),
      threads,
      observability: obs,
    });
    try {
      for (const imageUrl of images.imageUrls) {
        const res = await fetch(`${service.url}/images?wait=1`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ url: imageUrl }),
        });
        expect(res.status).toBe(201);
      }
    } finally {
      await service.close();
      await images.close();
    }
    await telemetry!.shutdown();

    expect(received.map((r) => r.path)).toEqual(
      expect.arrayContaining(["/v1/traces", "/v1/metrics"]),
    );
    const names = spanNames();
    // Two images; one more `send images/in` from the inject above.
    for (const channel of ["images/in", "images/resize", "images/store"]) {
      const sends = channel === "images/in" ? 3 : 2;
      expect(names.filter((n) => n === `send ${channel}`)).toHaveLength(sends);
      expect(names.filter((n) => n === `process ${channel}`)).toHaveLength(2);
    }
    const metrics = received
      .filter((r) => r.path === "/v1/metrics")
      .map((r) => r.body)
      .join("");
    expect(metrics).toContain("messaging.process.duration");
  });
});
