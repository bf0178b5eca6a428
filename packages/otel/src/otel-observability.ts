import {
  type BatchObservableResult,
  type Context,
  context,
  createContextKey,
  defaultTextMapGetter,
  defaultTextMapSetter,
  diag,
  isSpanContextValid,
  type Link,
  metrics,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapPropagator,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import { OtelOptionsError } from "./errors.js";
import { AttributeCache, type AttributeSet, errorType } from "./internal/attributes.js";
import { Instruments } from "./internal/instruments.js";
import { W3CTraceContextFallback } from "./internal/w3c-propagator.js";
import {
  ATTR_ERROR_TYPE,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_WORKERS_BLOCKED_MS,
  ATTR_WORKERS_DROP_REASON,
  ATTR_WORKERS_WORKER,
} from "./semconv.js";
import type {
  AroundInfo,
  Headers,
  InjectInfo,
  ObservedEvent,
  ObservedSystem,
  OtelObservability,
  OtelObservabilityOptions,
} from "./types.js";

/** Instrumentation scope name of the tracer and meter. */
export const INSTRUMENTATION_SCOPE = "@workers/otel";

// Marks the context a processing runs in, so `inject` and `emit` can find their process span.
const PROCESSING_KEY = createContextKey("@workers/otel processing");

/** One processing in flight (state shared by `around`, `inject` and `emit`). */
class Processing {
  /** Set once the processing settled. */
  done = false;
  /**
   * For `thread` dispatch the runtime calls `inject` once more inside `run`, so the headers sent
   * to the thread carry this context: that call is a hop, not a new send.
   */
  hopPending: boolean;
  /** Set when the processing failed (by rejection or a `workers.error` event). */
  errorType: string | undefined = undefined;
  ctx: Context = ROOT_CONTEXT;

  constructor(
    readonly span: Span,
    readonly workerId: string,
    readonly channel: string | undefined,
    readonly attrs: AttributeSet,
    readonly startedAt: number,
    readonly thread: boolean,
  ) {
    this.hopPending = thread;
  }
}

function validate(options: OtelObservabilityOptions): void {
  if (typeof options !== "object" || options === null) {
    throw new OtelOptionsError("options", "an object", options);
  }
  const { tracerProvider, meterProvider, propagator, linkInsteadOfParent } = options;
  if (tracerProvider !== undefined && typeof tracerProvider?.getTracer !== "function") {
    throw new OtelOptionsError("tracerProvider", "a TracerProvider (getTracer)", tracerProvider);
  }
  if (meterProvider !== undefined && typeof meterProvider?.getMeter !== "function") {
    throw new OtelOptionsError("meterProvider", "a MeterProvider (getMeter)", meterProvider);
  }
  if (
    propagator !== undefined &&
    (typeof propagator?.inject !== "function" || typeof propagator.extract !== "function")
  ) {
    throw new OtelOptionsError("propagator", "a TextMapPropagator (inject, extract)", propagator);
  }
  if (linkInsteadOfParent !== undefined && typeof linkInsteadOfParent !== "boolean") {
    throw new OtelOptionsError("linkInsteadOfParent", "a boolean", linkInsteadOfParent);
  }
}

/** A status message for any thrown value (some, like null-prototype objects, refuse `String()`). */
function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === "string") return error;
  try {
    return String(error);
  } catch {
    return Object.prototype.toString.call(error);
  }
}

/**
 * `trace.setSpan(parent, span)`, except for the no-op tracer's pass-through span (it wraps the
 * parent's own span context): then the parent already says it all, and no context is copied.
 */
function withSpan(parent: Context, span: Span): Context {
  const sc = span.spanContext();
  if (sc === trace.getSpanContext(parent) || (!span.isRecording() && !isSpanContextValid(sc))) {
    return parent;
  }
  return trace.setSpan(parent, span);
}

function hasObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/** The envelope headers a dropped value carries, if any (the value itself or the message of an error event). */
function headersOf(msg: unknown): Headers | undefined {
  if (!hasObject(msg)) return undefined;
  if (hasObject(msg.headers)) return msg.headers as Headers;
  if (hasObject(msg.msg) && hasObject(msg.msg.headers)) return msg.msg.headers as Headers;
  return undefined;
}

class Telemetry {
  readonly #tracer: Tracer;
  readonly #options: OtelObservabilityOptions;
  readonly #fallback = new W3CTraceContextFallback();
  readonly #attrs = new AttributeCache();
  readonly #link: boolean;
  #instruments: Instruments | undefined = undefined;
  /** When `inject` wrote the headers (monotonic ms), for the queue-wait histogram. */
  readonly #sentAt = new WeakMap<object, number>();
  /** Thread processings in flight, by worker: a parent for sends that lost their context. */
  readonly #threadInFlight = new Map<string, Set<Processing>>();
  readonly #systems = new Set<ObservedSystem>();
  #lastSendChannel: string | undefined = undefined;
  #lastSendCtx: Context | undefined = undefined;
  #forgetScheduled = false;
  /** Input channel -> worker that takes from it (`null`: several do). */
  readonly #consumers = new Map<string, string | null>();

  constructor(options: OtelObservabilityOptions) {
    this.#options = options;
    this.#link = options.linkInsteadOfParent === true;
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
      this.#instruments = new Instruments(provider.getMeter(INSTRUMENTATION_SCOPE), (result) =>
        this.#observe(result),
      );
    }
    return this.#instruments;
  }

  inject(headers: Headers, info: InjectInfo): void {
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
      `send ${info.channel}`,
      { kind: SpanKind.PRODUCER, attributes: attrs.span },
      parent,
    );
    if (info.messageId !== undefined) span.setAttribute(ATTR_MESSAGING_MESSAGE_ID, info.messageId);
    const sendCtx = withSpan(parent, span);
    this.#propagator.inject(sendCtx, headers, defaultTextMapSetter);
    this.#rememberSend(info.channel, sendCtx);
    // The put itself is synchronous from here on; the wait in the channel is the gap between
    // this span and the process span (and the queue-wait histogram).
    span.end();
    this.#sentAt.set(headers, performance.now());
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
    // A thread worker's put is carried out on the main thread by a channel operation, which may
    // run outside the processing's async context (in the context of whatever created the pool's
    // port). While that worker has processings in flight, trust them over the active context.
    const inFlight = this.#threadInFlight.get(workerId);
    if (inFlight !== undefined && inFlight.size > 0) {
      if (inFlight.size === 1) for (const only of inFlight) return only.ctx;
      if (proc !== undefined && !proc.done && proc.workerId === workerId) return active;
      return trace.deleteSpan(active);
    }
    // A context left over from another thread processing would put this send in the wrong trace.
    if (proc?.thread === true && (proc.done || proc.workerId !== workerId)) {
      return trace.deleteSpan(active);
    }
    return active;
  }

  around<T>(info: AroundInfo, headers: Readonly<Headers>, run: () => Promise<T>): Promise<T> {
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

  #begin(info: AroundInfo, headers: Readonly<Headers>): Processing {
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
    if (channel !== undefined) this.#learnConsumer(channel, workerId);
    const attrs = this.#attrs.process(channel, workerId, dispatch);
    const span = this.#tracer.startSpan(
      `process ${channel ?? workerId}`,
      links === undefined
        ? { kind: SpanKind.CONSUMER, attributes: attrs.span }
        : { kind: SpanKind.CONSUMER, attributes: attrs.span, links },
      parent,
    );
    if (info.messageId !== undefined) span.setAttribute(ATTR_MESSAGING_MESSAGE_ID, info.messageId);
    const now = performance.now();
    const m = this.#metrics;
    m.consumed.add(attrs.metric);
    let waitMs: number | undefined;
    if (typeof info.enqueuedAt === "number") waitMs = Date.now() - info.enqueuedAt;
    else {
      const sentAt = this.#sentAt.get(headers);
      if (sentAt !== undefined) waitMs = now - sentAt;
    }
    if (waitMs !== undefined) m.queueWait.record(Math.max(0, waitMs) / 1000, attrs.metric);

    const proc = new Processing(span, workerId, channel, attrs, now, dispatch === "thread");
    proc.ctx = withSpan(parent, span).setValue(PROCESSING_KEY, proc);
    if (proc.thread) {
      let set = this.#threadInFlight.get(workerId);
      if (set === undefined) this.#threadInFlight.set(workerId, (set = new Set()));
      set.add(proc);
    }
    return proc;
  }

  #finish(proc: Processing, error: unknown, failed: boolean): void {
    proc.done = true;
    this.#threadInFlight.get(proc.workerId)?.delete(proc);
    try {
      if (failed && proc.errorType === undefined) this.#markError(proc, error);
      const seconds = (performance.now() - proc.startedAt) / 1000;
      const attrs =
        proc.errorType === undefined
          ? proc.attrs.metric
          : { ...proc.attrs.metric, [ATTR_ERROR_TYPE]: proc.errorType };
      this.#metrics.processDuration.record(seconds, attrs);
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

  emit(event: ObservedEvent): void {
    if (event.type === "workers.drop") this.#onDrop(event);
    else if (event.type === "workers.error") this.#onError(event);
    else if (event.type === "workers.guard") this.#onGuard(event);
  }

  #onDrop(event: ObservedEvent): void {
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

  #onError(event: ObservedEvent): void {
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

  #onGuard(event: ObservedEvent): void {
    const proc = context.active().getValue(PROCESSING_KEY) as Processing | undefined;
    if (proc === undefined || proc.done) return;
    proc.span.addEvent("workers.guard", {
      [ATTR_WORKERS_WORKER]: event.workerId ?? proc.workerId,
      [ATTR_WORKERS_BLOCKED_MS]: event.blockedMs ?? 0,
    });
  }

  attach(system: ObservedSystem): void {
    const workers = system.definition?.workers;
    if (workers !== undefined) {
      for (const [name, worker] of Object.entries(workers)) {
        if (worker.in !== undefined) this.#learnConsumer(worker.in, name);
      }
    }
    this.#systems.add(system);
    // Creates the instruments (and registers the gauge callback) now that the SDK is up.
    void this.#metrics;
  }

  #learnConsumer(channel: string, workerId: string): void {
    const known = this.#consumers.get(channel);
    if (known === undefined) this.#consumers.set(channel, workerId);
    else if (known !== null && known !== workerId) this.#consumers.set(channel, null);
  }

  #observe(result: BatchObservableResult): void {
    const m = this.#metrics;
    for (const system of this.#systems) {
      let channels: Readonly<
        Record<
          string,
          { size: number; pendingPuts: number; pendingTakes: number; closed?: boolean }
        >
      >;
      try {
        channels = system.stats().channels;
      } catch {
        this.#systems.delete(system);
        continue;
      }
      let open = 0;
      for (const name in channels) {
        const ch = channels[name];
        if (ch === undefined || ch.closed === true) continue;
        open++;
        const attrs = this.#attrs.plain(name, this.#consumers.get(name) ?? undefined);
        result.observe(m.channelSize, ch.size, attrs);
        result.observe(m.pendingPuts, ch.pendingPuts, attrs);
        result.observe(m.pendingTakes, ch.pendingTakes, attrs);
      }
      // A stopped system has closed every channel: forget it.
      if (open === 0) this.#systems.delete(system);
    }
  }
}

function guarded<A extends unknown[]>(
  what: string,
  fn: (...args: A) => void,
): (...args: A) => void {
  return (...args: A): void => {
    try {
      fn(...args);
    } catch (error) {
      diag.error(`@workers/otel: ${what} failed`, error);
    }
  };
}

/**
 * Creates the OpenTelemetry component for `@workers/runtime`: pass it as `components.obs`.
 *
 * Every put (`command`, `request`, `ctx.channels[...]`, output offers) becomes a PRODUCER span
 * `send <channel>` whose W3C context travels in the envelope headers; every processing becomes
 * a CONSUMER span `process <channel>`, its child (or linked, with `linkInsteadOfParent`), also
 * across `thread` dispatch. Drops become short `drop <channel>` spans; failures set the process
 * span's status to ERROR with `error.type`. Metrics follow the messaging conventions.
 *
 * It uses `@opentelemetry/api` only: with no provider registered (and none given) it records
 * nothing and costs little. A hook never throws into the runtime; OTel failures go to `diag`.
 *
 * @throws OtelOptionsError (`ERR_OTEL_OPTIONS`) when an option has the wrong type.
 * @example
 * ```ts
 * const system = await startWorkers(definition, { obs: otelObservability() });
 * ```
 */
export function otelObservability(options: OtelObservabilityOptions = {}): OtelObservability {
  validate(options);
  const t = new Telemetry(options);
  return {
    emit: guarded("emit", (event: ObservedEvent) => t.emit(event)),
    inject: guarded("inject", (headers: Headers, info: InjectInfo) => t.inject(headers, info)),
    around: <T>(info: AroundInfo, headers: Readonly<Headers>, run: () => Promise<T>): Promise<T> =>
      t.around(info, headers, run),
    attach: guarded("attach", (system: ObservedSystem) => t.attach(system)),
  };
}
