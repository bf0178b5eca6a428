import type { MeterProvider, TextMapPropagator, TracerProvider } from "@opentelemetry/api";

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

/** What the runtime tells `inject` about a put (`command`, `request`, `ctx.channels`, output offers). */
export interface InjectInfo {
  /** The channel the message is put on. */
  readonly channel: string;
  /** The worker that puts it, when a worker does. */
  readonly workerId?: string | undefined;
  /** The envelope id, when the runtime knows it already. */
  readonly messageId?: string | undefined;
}

/** What the runtime tells `around` about one processing. */
export interface AroundInfo {
  readonly workerId: string;
  /** The worker's input channel (absent for a ticker). */
  readonly channel?: string | undefined;
  readonly dispatch: "go" | "thread";
  readonly messageId?: string | undefined;
  /** Epoch ms at which the message was put on its channel, when the runtime passes it. */
  readonly enqueuedAt?: number | undefined;
}

/** Envelope headers as the runtime carries them. */
export type Headers = Record<string, string>;

/**
 * A runtime event as this component reads it (`workers.drop`, `workers.error`,
 * `workers.guard`, `workers.start`, `workers.stop`); other fields are ignored.
 */
export interface ObservedEvent {
  readonly type: string;
  readonly at?: number;
  readonly workerId?: string | undefined;
  readonly channel?: string | undefined;
  readonly reason?: string | undefined;
  readonly error?: unknown;
  readonly msg?: unknown;
  readonly blockedMs?: number | undefined;
}

/** Per-channel figures from `system.stats().channels`. */
export interface ObservedChannelStats {
  readonly size: number;
  readonly pendingPuts: number;
  readonly pendingTakes: number;
  readonly closed?: boolean;
}

/** The part of a running system the component reads for its gauges. */
export interface ObservedSystem {
  stats(): { readonly channels: Readonly<Record<string, ObservedChannelStats>> };
  /** The definition, when the system exposes it: maps input channels to their workers. */
  readonly definition?: {
    readonly workers: Readonly<Record<string, { readonly in?: string | undefined }>>;
  };
}

/**
 * The component returned by {@link otelObservability}: pass it as `components.obs`.
 * The runtime calls these methods; applications do not.
 */
export interface OtelObservability {
  /** Receives runtime events: drops become spans and counters, errors mark the process span. */
  emit(event: ObservedEvent): void;
  /** Starts and ends a PRODUCER `send <channel>` span and writes its context into `headers`. */
  inject(headers: Headers, info: InjectInfo): void;
  /** Runs one processing inside a CONSUMER `process <channel>` span. */
  around<T>(info: AroundInfo, headers: Readonly<Headers>, run: () => Promise<T>): Promise<T>;
  /** Registers the system's channels for the `workers.channel.*` gauges. */
  attach(system: ObservedSystem): void;
}
