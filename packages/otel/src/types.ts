import type { MeterProvider, TextMapPropagator, TracerProvider } from "@opentelemetry/api";
import type {
  CustomEvent,
  Headers,
  InjectInfo,
  Instrumentation,
  ProcessInfo,
  WorkersEvent,
  WorkersSystem,
} from "@workers/runtime";

/** Options of {@link otelObservability}. */
export interface OtelObservabilityOptions {
  /**
   * Where spans go.
   * @default the global tracer provider (`trace.setGlobalTracerProvider`, done by `NodeSDK.start()`)
   */
  readonly tracerProvider?: TracerProvider;
  /**
   * Where metrics go. Instruments are created when the system attaches (or at the first
   * message), so register a global provider before `startWorkers`.
   * @default the global meter provider
   */
  readonly meterProvider?: MeterProvider;
  /**
   * Writes and reads trace context in envelope headers.
   * @default the global propagator when one is registered, else W3C Trace Context
   */
  readonly propagator?: TextMapPropagator;
  /**
   * Start each `process` span as the root of a new trace, linked to its `send` span, instead
   * of as the send span's child (for long-lived pipelines where one trace per stage reads better).
   * @default false
   */
  readonly linkInsteadOfParent?: boolean;
}

/**
 * The component returned by {@link otelObservability}: pass it as `components.obs`. It has every
 * hook of the runtime's `Instrumentation` contract (typed by `@workers/runtime` itself, so the
 * two cannot drift) plus the emitter. The runtime calls these methods; applications do not.
 */
export interface OtelObservability extends Required<Instrumentation> {
  /** Receives runtime events: drops become spans and counters, errors mark the process span. */
  emit(event: WorkersEvent | CustomEvent): void;
  /** Starts and ends a PRODUCER `send <channel>` span and writes its context into `headers`. */
  inject(headers: Headers, info: InjectInfo): void;
  /** Runs one processing inside a CONSUMER `process <channel>` span. */
  around<T>(info: ProcessInfo, headers: Readonly<Headers>, run: () => Promise<T>): Promise<T>;
  /** Registers the system's channels for the `workers.channel.*` gauges. */
  attach(system: WorkersSystem<any>): void;
}
