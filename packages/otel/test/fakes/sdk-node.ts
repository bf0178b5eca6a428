// Test stand-in for @opentelemetry/sdk-node's NodeSDK: the subset of its configuration the
// examples use, registering the same globals (tracer and meter providers, AsyncLocalStorage
// context manager, W3C trace context + baggage propagator). As the real one, it batches the
// `traceExporter`'s spans (a BatchSpanProcessor): they are exported on a flush or shutdown.
import { context, metrics, propagation, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from "@opentelemetry/core";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { MeterProvider, type MetricReader } from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from "@opentelemetry/sdk-trace-base";

export interface NodeSDKConfiguration {
  serviceName: string;
  traceExporter: SpanExporter;
  spanProcessors: SpanProcessor[];
  metricReader: MetricReader;
}

/** Every started fake SDK, for assertions. */
export const startedSdks: NodeSDK[] = [];

export class NodeSDK {
  readonly config: Partial<NodeSDKConfiguration>;
  tracerProvider: BasicTracerProvider | undefined;
  meterProvider: MeterProvider | undefined;

  constructor(config: Partial<NodeSDKConfiguration> = {}) {
    this.config = config;
  }

  start(): void {
    const resource = resourceFromAttributes({
      "service.name": this.config.serviceName ?? "unknown",
    });
    const processors = [...(this.config.spanProcessors ?? [])];
    if (this.config.traceExporter !== undefined) {
      // Never on a timer here, so a test sees exactly what a flush exported.
      processors.push(
        new BatchSpanProcessor(this.config.traceExporter, { scheduledDelayMillis: 2 ** 31 - 1 }),
      );
    }
    this.tracerProvider = new BasicTracerProvider({ resource, spanProcessors: processors });
    const readers = this.config.metricReader === undefined ? [] : [this.config.metricReader];
    this.meterProvider = new MeterProvider({ resource, readers });
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(
      new CompositePropagator({
        propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
      }),
    );
    trace.setGlobalTracerProvider(this.tracerProvider);
    metrics.setGlobalMeterProvider(this.meterProvider);
    startedSdks.push(this);
  }

  async shutdown(): Promise<void> {
    await this.tracerProvider?.shutdown();
    await this.meterProvider?.shutdown();
    trace.disable();
    metrics.disable();
    propagation.disable();
    context.disable();
  }
}
