import type { Attributes } from "@opentelemetry/api";
import {
  type DataPoint,
  type Histogram,
  MeterProvider,
  type MetricData,
  MetricReader,
} from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import type { ChannelStats, WorkersSystem } from "@workers/runtime";

/** A pull reader for tests: `collect()` on demand. */
export class TestMetricReader extends MetricReader {
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

export interface TestSdk {
  readonly exporter: InMemorySpanExporter;
  readonly tracerProvider: BasicTracerProvider;
  readonly meterProvider: MeterProvider;
  readonly reader: TestMetricReader;
  spans(): ReadableSpan[];
  span(name: string): ReadableSpan;
  metrics(): Promise<MetricData[]>;
  metric(name: string): Promise<MetricData>;
}

export function testSdk(): TestSdk {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const reader = new TestMetricReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const sdk: TestSdk = {
    exporter,
    tracerProvider,
    meterProvider,
    reader,
    spans: () => exporter.getFinishedSpans(),
    span(name) {
      const found = exporter.getFinishedSpans().filter((s) => s.name === name);
      if (found.length !== 1) {
        const names = exporter.getFinishedSpans().map((s) => s.name);
        throw new Error(
          `expected one span ${name}, found ${found.length} in [${names.join(", ")}]`,
        );
      }
      return found[0]!;
    },
    async metrics() {
      const { resourceMetrics, errors } = await reader.collect();
      if (errors.length > 0) throw errors[0];
      return resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
    },
    async metric(name) {
      const found = (await sdk.metrics()).find((m) => m.descriptor.name === name);
      if (found === undefined) throw new Error(`no metric ${name}`);
      return found;
    },
  };
  return sdk;
}

/** What the gauges read of a system; the rest of `WorkersSystem` is left out. */
export interface SystemStandIn {
  stats(): { readonly channels: Readonly<Record<string, Partial<ChannelStats>>> };
  readonly definition?: { readonly workers: Record<string, { readonly in?: string }> };
}

/** A stand-in for a running system, typed as one for `attach`. */
export function fakeSystem(parts: SystemStandIn): WorkersSystem<any> {
  return parts as unknown as WorkersSystem<any>;
}

/** Data points as `{ attributes, value }`, sorted by their attributes for stable comparison. */
export function points(metric: MetricData): { attributes: Attributes; value: unknown }[] {
  return (metric.dataPoints as DataPoint<unknown>[])
    .map((p) => ({ attributes: p.attributes, value: p.value }))
    .sort((a, b) => JSON.stringify(a.attributes).localeCompare(JSON.stringify(b.attributes)));
}

/** Histogram points as `{ attributes, count, sum }`. */
export function histogram(
  metric: MetricData,
): { attributes: Attributes; count: number; sum: number }[] {
  return (metric.dataPoints as DataPoint<Histogram>[])
    .map((p) => ({ attributes: p.attributes, count: p.value.count, sum: p.value.sum ?? 0 }))
    .sort((a, b) => JSON.stringify(a.attributes).localeCompare(JSON.stringify(b.attributes)));
}

export function parentId(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}
