import {
  type Context,
  context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  diag,
  isSpanContextValid,
  type Link,
  metrics,
  ProxyTracerProvider,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  type TextMapPropagator,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import type {
  CustomEvent,
  DropEvent,
  ErrorEvent,
  GuardEvent,
  Headers,
  InjectInfo,
  ProcessInfo,
  WorkersEvent,
  WorkersSystem,
} from "@workers/runtime";
import {
  ATTR_ERROR_TYPE,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_WORKERS_ATTEMPT,
  ATTR_WORKERS_BLOCKED_MS,
  ATTR_WORKERS_DROP_REASON,
  ATTR_WORKERS_WORKER,
} from "../semconv.js";
import type { OtelObservabilityOptions } from "../types.js";
import { AttributeCache, errorType } from "./attributes.js";
import { LinkedContext } from "./context.js";
import { ChannelGauges } from "./gauges.js";
import { Instruments } from "./instruments.js";
import { PROCESSING_KEY, Processing } from "./processing.js";
import { putTime, stampPut } from "./put-time.js";
import { describe, headersOf, withSpan } from "./spans.js";
import { W3CTraceContextFallback } from "./w3c-propagator.js";

/** Instrumentation scope name of the tracer and meter. */
export const INSTRUMENTATION_SCOPE = "@workers/otel";

// What the API's global tracer provider delegates to until an SDK registers one.
const NOOP_TRACER_PROVIDER = new ProxyTracerProvider().getDelegate();
const TIME_ORIGIN = performance.timeOrigin;

/**
 * What `otelObservability` returns is a thin shell over this: the hooks' logic, spans,
 * metrics and the context they share.
 */
export class Telemetry {
  readonly #tracer: Tracer;
  /** Whether spans go to the global tracer provider (no `tracerProvider` option). */
  readonly #globalTracing: boolean;
  readonly #options: OtelObservabilityOptions;
  readonly #fallback = new W3CTraceContextFallback();
  readonly #attrs = new AttributeCache();
  readonly #link: boolean;
  #instruments: Instruments | undefined = undefined;
  readonly #gauges = new ChannelGauges();
  #lastSendChannel: string | undefined = undefined;
  #lastSendCtx: Context | undefined = undefined;
  #forgetScheduled = false;

  constructor(options: OtelObservabilityOptions) {
    this.#options = options;
    this.#link = options.linkInsteadOfParent === true;
    this.#globalTracing = options.tracerProvider === undefined;
    this.#tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(
      INSTRUMENTATION_SCOPE,
    );
  }

  get #propagator(): TextMapPropagator {
    // Checked per call: a global SDK may register its propagator after the component was built.
    return (
      this.#options.propagator ?? (propagation.fields().length > 0 ? propagation : this.#fallback)
    );
  }

  get #metrics(): Instruments {
    if (this.#instruments === undefined) {
      const provider = this.#options.meterProvider ?? metrics.getMeterProvider();
      const instruments = new Instruments(provider.getMeter(INSTRUMENTATION_SCOPE), (result) =>
        this.#gauges.observe(result, instruments, this.#attrs),
      );
      this.#instruments = instruments;
    }
    return this.#instruments;
  }

  /**
   * Whether this message would record nothing: spans go to the API's no-op tracer (no SDK
   * registered yet; checked per message, as one may register later) and the instruments came
   * from a no-op meter. Then the hooks only carry trace context through, as the no-op tracer's
   * pass-through spans would.
   */
  #idle(): boolean {
    if (!this.#globalTracing) return false;
    const provider = trace.getTracerProvider();
    return (
      provider instanceof ProxyTracerProvider &&
      provider.getDelegate() === NOOP_TRACER_PROVIDER &&
      !this.#metrics.live
    );
  }

  inject(headers: Headers, info: InjectInfo): void {
    if (this.#idle()) {
      this.#propagator.inject(context.active(), headers, defaultTextMapSetter);
      return;
    }
    const active = context.active();
    const proc = active.getValue(PROCESSING_KEY) as Processing | undefined;
    if (
      proc?.hopPending === true &&
      // A ticker has no input channel: the runtime names the hop after the worker.
      info.channel === (proc.channel ?? proc.workerId) &&
      (info.workerId === undefined || info.workerId === proc.workerId)
    ) {
      proc.hopPending = false;
      this.#propagator.inject(active, headers, defaultTextMapSetter);
      return;
    }
    const parent = this.#parentForSend(active, proc, info.workerId);
    const attrs = this.#attrs.send(info.channel, info.workerId);
    const span = this.#tracer.startSpan(
      attrs.name,
      { kind: SpanKind.PRODUCER, attributes: attrs.span },
      parent,
    );
    const sendCtx = withSpan(parent, span);
    this.#propagator.inject(sendCtx, headers, defaultTextMapSetter);
    this.#rememberSend(info.channel, sendCtx);
    // The put itself is synchronous from here on; the wait in the channel is the gap between
    // this span and the process span (and the queue-wait histogram).
    span.end();
    stampPut(headers, performance.now());
    this.#metrics.sent.add(attrs.metric);
  }

  /**
   * Drop events carry the lost message's body, not its headers. When a put is refused (or its
   * value discarded at once), the runtime reports the drop synchronously right after `inject`:
   * the send made in this same turn on that channel is the lost message's.
   */
  #rememberSend(channel: string, ctx: Context): void {
    this.#lastSendChannel = channel;
    this.#lastSendCtx = ctx;
    if (!this.#forgetScheduled) {
      this.#forgetScheduled = true;
      queueMicrotask(this.#forgetSend);
    }
  }

  readonly #forgetSend = (): void => {
    this.#forgetScheduled = false;
    this.#lastSendChannel = undefined;
    this.#lastSendCtx = undefined;
  };

  #parentForSend(
    active: Context,
    proc: Processing | undefined,
    workerId: string | undefined,
  ): Context {
    if (workerId === undefined) return active;
    // The runtime carries out a thread worker's put on the main thread in the async context of
    // the message that issued it, so the active context is that message's processing.
    // A context left over from another thread processing would put this send in the wrong trace.
    if (proc?.thread === true && (proc.done || proc.workerId !== workerId)) {
      return trace.deleteSpan(active);
    }
    return active;
  }

  around<T>(info: ProcessInfo, headers: Readonly<Headers>, run: () => Promise<T>): Promise<T> {
    if (this.#idle()) return this.#carry(headers, run);
    let proc: Processing;
    try {
      proc = this.#begin(info, headers);
    } catch (error) {
      diag.error("@workers/otel: around failed; processing without a span", error);
      return run();
    }
    let result: Promise<T>;
    try {
      result = context.with(proc.ctx, run);
    } catch (error) {
      this.#finish(proc, error, true);
      throw error;
    }
    return Promise.resolve(result).then(
      (value) => {
        this.#finish(proc, undefined, false);
        return value;
      },
      (error: unknown) => {
        this.#finish(proc, error, true);
        throw error;
      },
    );
  }

  /** Runs `run` in the context the headers carry (never in the one around the worker loop). */
  #carry<T>(headers: Readonly<Headers>, run: () => Promise<T>): Promise<T> {
    let ctx = ROOT_CONTEXT;
    try {
      ctx = this.#propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
    } catch (error) {
      diag.error("@workers/otel: extracting trace context failed", error);
    }
    return context.with(ctx, run);
  }

  #begin(info: ProcessInfo, headers: Readonly<Headers>): Processing {
    const extracted = this.#propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
    let parent = extracted;
    let links: Link[] | undefined;
    if (this.#link) {
      const sc = trace.getSpanContext(extracted);
      if (sc !== undefined && isSpanContextValid(sc)) {
        links = [{ context: sc }];
        parent = trace.deleteSpan(extracted);
      }
    }
    const { workerId, channel, dispatch } = info;
    if (channel !== undefined) this.#gauges.learnConsumer(channel, workerId);
    const attrs = this.#attrs.process(channel, workerId, dispatch);
    const span = this.#tracer.startSpan(
      attrs.name,
      links === undefined
        ? { kind: SpanKind.CONSUMER, attributes: attrs.span }
        : { kind: SpanKind.CONSUMER, attributes: attrs.span, links },
      parent,
    );
    span.setAttribute(ATTR_MESSAGING_MESSAGE_ID, info.messageId);
    // A worker with `retry`: each attempt is its own process span.
    if (info.attempt !== undefined) span.setAttribute(ATTR_WORKERS_ATTEMPT, info.attempt);
    const now = performance.now();
    const proc = new Processing(span, workerId, channel, attrs, now, dispatch === "thread");
    proc.ctx = new LinkedContext(withSpan(parent, span), PROCESSING_KEY, proc);
    const m = this.#metrics;
    m.consumed.add(attrs.metric);
    const enqueuedAt = info.enqueuedAt;
    let waitMs: number | undefined;
    if (enqueuedAt !== undefined) {
      // Stamped by the runtime as `performance.timeOrigin + performance.now()`: the same clock.
      waitMs = TIME_ORIGIN + now - enqueuedAt;
    } else {
      const putAt = putTime(headers);
      if (putAt !== undefined) waitMs = now - putAt;
    }
    // Recorded in the message's context (its baggage, its span), not the worker loop's.
    if (waitMs !== undefined) {
      m.queueWait.record(Math.max(0, waitMs) / 1000, attrs.metric, proc.ctx);
    }
    return proc;
  }

  #finish(proc: Processing, error: unknown, failed: boolean): void {
    proc.done = true;
    try {
      if (failed && proc.errorType === undefined) this.#markError(proc, error);
      const seconds = (performance.now() - proc.startedAt) / 1000;
      const attrs =
        proc.errorType === undefined
          ? proc.attrs.metric
          : { ...proc.attrs.metric, [ATTR_ERROR_TYPE]: proc.errorType };
      this.#metrics.processDuration.record(seconds, attrs, proc.ctx);
    } catch (e) {
      diag.error("@workers/otel: recording a processing failed", e);
    } finally {
      proc.span.end();
    }
  }

  #markError(proc: Processing, error: unknown): void {
    const type = errorType(error);
    proc.errorType = type;
    const span = proc.span;
    span.setAttribute(ATTR_ERROR_TYPE, type);
    if (error instanceof Error) span.recordException(error);
    else if (typeof error === "string") span.recordException(error);
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: describe(error),
    });
  }

  // `ctx.emit` may send any event, even one typed like the runtime's: fields are read defensively.
  emit(event: WorkersEvent | CustomEvent): void {
    if (this.#idle()) return;
    const type = event.type;
    if (type === "workers.drop") this.#onDrop(event as Partial<DropEvent>);
    else if (type === "workers.error") this.#onError(event as Partial<ErrorEvent>);
    else if (type === "workers.guard") this.#onGuard(event as Partial<GuardEvent>);
  }

  #onDrop(event: Partial<DropEvent>): void {
    const reason = event.reason ?? "unknown";
    const attrs = this.#attrs.plain(
      event.channel,
      event.workerId,
      ATTR_WORKERS_DROP_REASON,
      reason,
    );
    this.#metrics.dropped.add(attrs);
    let parent = context.active();
    const carried = headersOf(event.msg);
    if (carried !== undefined) {
      const extracted = this.#propagator.extract(ROOT_CONTEXT, carried, defaultTextMapGetter);
      if (trace.getSpanContext(extracted) !== undefined) parent = extracted;
    } else if (
      this.#lastSendCtx !== undefined &&
      event.channel === this.#lastSendChannel &&
      // An evicted value is an older message, and shutdown drops come from stop.
      reason !== "buffer-evicted" &&
      reason !== "shutdown"
    ) {
      parent = this.#lastSendCtx;
    }
    this.#tracer
      .startSpan(
        `drop ${event.channel ?? ""}`.trimEnd(),
        { kind: SpanKind.INTERNAL, attributes: attrs },
        parent,
      )
      .end();
  }

  #onError(event: Partial<ErrorEvent>): void {
    const type = errorType(event.error);
    this.#metrics.failed.add(
      this.#attrs.plain(event.channel, event.workerId, ATTR_ERROR_TYPE, type),
    );
    const proc = context.active().getValue(PROCESSING_KEY) as Processing | undefined;
    if (
      proc !== undefined &&
      !proc.done &&
      proc.workerId === event.workerId &&
      proc.errorType === undefined
    ) {
      this.#markError(proc, event.error);
    }
  }

  #onGuard(event: Partial<GuardEvent>): void {
    const proc = context.active().getValue(PROCESSING_KEY) as Processing | undefined;
    if (proc === undefined || proc.done) return;
    proc.span.addEvent("workers.guard", {
      [ATTR_WORKERS_WORKER]: event.workerId ?? proc.workerId,
      [ATTR_WORKERS_BLOCKED_MS]: event.blockedMs ?? 0,
    });
  }

  attach(system: WorkersSystem<any>): void {
    this.#gauges.attach(system);
    // Creates the instruments (and registers the gauge callback) now that the SDK is up.
    void this.#metrics;
  }
}
