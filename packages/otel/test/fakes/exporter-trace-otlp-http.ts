// Test stand-in for @opentelemetry/exporter-trace-otlp-http: keeps spans in memory.
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace-base";

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
}
