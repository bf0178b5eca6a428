import {
  type Context,
  INVALID_SPAN_CONTEXT,
  isSpanContextValid,
  type Span,
  trace,
} from "@opentelemetry/api";
import type { Headers } from "@workers/runtime";
import { LinkedContext, SPAN_KEY } from "./context.js";

/** A status message for any thrown value (some, like null-prototype objects, refuse `String()`). */
export function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === "string") return error;
  try {
    return String(error);
  } catch {
    return Object.prototype.toString.call(error);
  }
}

/**
 * `trace.setSpan(parent, span)` as a {@link LinkedContext}, except for the no-op tracer's
 * pass-through span (it wraps the parent's own span context) or invalid span: then the parent
 * already says it all.
 */
export function withSpan(parent: Context, span: Span): Context {
  const sc = span.spanContext();
  if (
    sc === trace.getSpanContext(parent) ||
    (!span.isRecording() && (sc === INVALID_SPAN_CONTEXT || !isSpanContextValid(sc)))
  ) {
    return parent;
  }
  return new LinkedContext(parent, SPAN_KEY, span);
}

function hasObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/** The envelope headers a dropped value carries, if any (the value itself or the message of an error event). */
export function headersOf(msg: unknown): Headers | undefined {
  if (!hasObject(msg)) return undefined;
  if (hasObject(msg.headers)) return msg.headers as Headers;
  if (hasObject(msg.msg) && hasObject(msg.msg.headers)) return msg.msg.headers as Headers;
  return undefined;
}
