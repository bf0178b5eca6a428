// A minimal W3C Trace Context propagator, used only when neither the `propagator` option nor a
// global propagator is set (the API's default propagator is a no-op, which would silently cut
// every trace at the first channel). It follows @opentelemetry/core's W3CTraceContextPropagator.

import {
  type Context,
  createContextKey,
  createTraceState,
  isSpanContextValid,
  type SpanContext,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
  trace,
} from "@opentelemetry/api";

const TRACE_PARENT = "traceparent";
const TRACE_STATE = "tracestate";
const FIELDS: string[] = [TRACE_PARENT, TRACE_STATE];
const TRACE_PARENT_RE = /^\s?([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?\s?$/;

// The SDK's suppression key (`suppressTracing` in @opentelemetry/core); keys are `Symbol.for`.
const SUPPRESS_TRACING_KEY = createContextKey("OpenTelemetry SDK Context Key SUPPRESS_TRACING");

function parseTraceParent(value: string): SpanContext | undefined {
  const m = TRACE_PARENT_RE.exec(value);
  if (m === null) return undefined;
  const [, version, traceId, spanId, flags, rest] = m as unknown as [
    string,
    string,
    string,
    string,
    string,
    string | undefined,
  ];
  // Version ff is invalid; version 00 allows nothing after the flags.
  if (version === "ff" || (version === "00" && rest !== undefined)) return undefined;
  return { traceId, spanId, traceFlags: Number.parseInt(flags, 16), isRemote: true };
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** W3C `traceparent`/`tracestate` inject and extract on top of `@opentelemetry/api` only. */
export class W3CTraceContextFallback implements TextMapPropagator {
  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    const sc = trace.getSpanContext(context);
    if (sc === undefined || context.getValue(SUPPRESS_TRACING_KEY) === true) return;
    if (!isSpanContextValid(sc)) return;
    const flags = (sc.traceFlags & 0xff).toString(16).padStart(2, "0");
    setter.set(carrier, TRACE_PARENT, `00-${sc.traceId}-${sc.spanId}-${flags}`);
    if (sc.traceState !== undefined) setter.set(carrier, TRACE_STATE, sc.traceState.serialize());
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    const header = first(getter.get(carrier, TRACE_PARENT));
    if (header === undefined) return context;
    const sc = parseTraceParent(header);
    if (sc === undefined || !isSpanContextValid(sc)) return context;
    const state = getter.get(carrier, TRACE_STATE);
    if (state !== undefined) {
      const joined = Array.isArray(state) ? state.join(",") : state;
      if (joined !== "") sc.traceState = createTraceState(joined);
    }
    return trace.setSpanContext(context, sc);
  }

  fields(): string[] {
    return FIELDS;
  }
}
