// OpenTelemetry for the example, on only when OTEL_EXPORTER_OTLP_ENDPOINT is set: traces and
// metrics go over OTLP/HTTP to that endpoint (a collector, Jaeger, Grafana Alloy, ...). The SDK
// packages are loaded with a dynamic import, so a run without the variable never loads them.
import type { Observability } from "./service.js";

/** A started telemetry pipeline. */
export interface Telemetry {
  /** The `components.obs` to give the workers system. */
  readonly observability: Observability;
  /** Flushes and shuts the exporters down. */
  shutdown(): Promise<void>;
}

/**
 * Registers a tracer provider, a meter provider and an async-hooks context manager globally,
 * exporting over OTLP/HTTP, and returns `otelObservability()` from `@workers/otel`.
 * Resolves `undefined` when `OTEL_EXPORTER_OTLP_ENDPOINT` is not set.
 */
export async function startTelemetry(
  env: NodeJS.ProcessEnv = process.env,
): Promise<Telemetry | undefined> {
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT) return undefined;
  const [api, asyncHooks, resources, traceBase, metricsSdk, traceExporter, metricsExporter, otel] =
    await Promise.all([
      import("@opentelemetry/api"),
      import("@opentelemetry/context-async-hooks"),
      import("@opentelemetry/resources"),
      import("@opentelemetry/sdk-trace-base"),
      import("@opentelemetry/sdk-metrics"),
      import("@opentelemetry/exporter-trace-otlp-http"),
      import("@opentelemetry/exporter-metrics-otlp-http"),
      import("@workers/otel"),
    ]);
  const resource = resources.resourceFromAttributes({
    "service.name": env.OTEL_SERVICE_NAME ?? "image-pipeline",
  });
  const tracerProvider = new traceBase.BasicTracerProvider({
    resource,
    spanProcessors: [new traceBase.BatchSpanProcessor(new traceExporter.OTLPTraceExporter())],
  });
  const meterProvider = new metricsSdk.MeterProvider({
    resource,
    readers: [
      new metricsSdk.PeriodicExportingMetricReader({
        exporter: new metricsExporter.OTLPMetricExporter(),
        exportIntervalMillis: 5000,
      }),
    ],
  });
  api.context.setGlobalContextManager(new asyncHooks.AsyncLocalStorageContextManager().enable());
  api.trace.setGlobalTracerProvider(tracerProvider);
  api.metrics.setGlobalMeterProvider(meterProvider);
  return {
    observability: otel.otelObservability({ tracerProvider, meterProvider }) as Observability,
    async shutdown() {
      await Promise.allSettled([tracerProvider.shutdown(), meterProvider.shutdown()]);
    },
  };
}
