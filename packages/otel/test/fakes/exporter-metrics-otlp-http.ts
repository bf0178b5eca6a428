// Test stand-in for @opentelemetry/exporter-metrics-otlp-http: keeps metrics in memory.
import { AggregationTemporality, InMemoryMetricExporter } from "@opentelemetry/sdk-metrics";

export interface OTLPMetricExporterOptions {
  url?: string;
  headers?: Record<string, string>;
}

/** Every exporter created, for assertions. */
export const metricExporters: OTLPMetricExporter[] = [];

export class OTLPMetricExporter extends InMemoryMetricExporter {
  readonly config: OTLPMetricExporterOptions;
  constructor(config: OTLPMetricExporterOptions = {}) {
    super(AggregationTemporality.CUMULATIVE);
    this.config = config;
    metricExporters.push(this);
  }
}
