// Test stand-in for @opentelemetry/exporter-trace-otlp-http: keeps spans in memory.
import { appendFileSync } from "node:fs";
import { isMainThread } from "node:worker_threads";
import type { ExportResult } from "@opentelemetry/core";
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace-base";

// When set (by the test running examples/main.ts in a child process), every exported span is
// also appended to this file as a JSON line, synchronously, from whichever thread exports it.
const SPANS_FILE = process.env.WORKERS_OTEL_FAKE_SPANS_FILE;

export interface OTLPExporterNodeConfigBase {
  url?: string;
  headers?: Record<string, string>;
}

/** Every exporter created, for assertions. */
export const traceExporters: OTLPTraceExporter[] = [];

export class OTLPTraceExporter extends InMemorySpanExporter {
  readonly config: OTLPExporterNodeConfigBase;
  constructor(config: OTLPExporterNodeConfigBase = {}) {
    super();
    this.config = config;
    traceExporters.push(this);
  }

  override export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    if (SPANS_FILE !== undefined) {
      const lines = spans.map((s) =>
        JSON.stringify({
          name: s.name,
          traceId: s.spanContext().traceId,
          spanId: s.spanContext().spanId,
          parentSpanId: s.parentSpanContext?.spanId,
          thread: !isMainThread,
        }),
      );
      appendFileSync(SPANS_FILE, `${lines.join("\n")}\n`);
    }
    super.export(spans, done);
  }
}
