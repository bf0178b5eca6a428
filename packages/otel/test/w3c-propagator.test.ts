import {
  createContextKey,
  defaultTextMapGetter,
  defaultTextMapSetter,
  ROOT_CONTEXT,
  TraceFlags,
  trace,
} from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { W3CTraceContextFallback } from "../src/internal/w3c-propagator.js";

const fallback = new W3CTraceContextFallback();
const reference = new W3CTraceContextPropagator();
const TP = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

function extract(p: W3CTraceContextFallback | W3CTraceContextPropagator, carrier: object) {
  return trace.getSpanContext(p.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter));
}

describe("W3C fallback propagator", () => {
  it("round-trips a span context with its trace state", () => {
    const ctx = fallback.extract(
      ROOT_CONTEXT,
      { traceparent: TP, tracestate: "a=1,b=2" },
      defaultTextMapGetter,
    );
    const out: Record<string, string> = {};
    fallback.inject(ctx, out, defaultTextMapSetter);
    expect(out).toEqual({ traceparent: TP, tracestate: "a=1,b=2" });
    expect(trace.getSpanContext(ctx)?.isRemote).toBe(true);
    expect(fallback.fields()).toEqual(["traceparent", "tracestate"]);
  });

  it("rejects what the W3C format rejects", () => {
    for (const traceparent of [
      "ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      `${TP}-extra`,
      "00-00000000000000000000000000000000-b7ad6b7169203331-01",
      "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01",
      "00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01",
      "garbage",
    ]) {
      expect(extract(fallback, { traceparent })).toBeUndefined();
    }
    expect(extract(fallback, {})).toBeUndefined();
  });

  it("accepts a future version with extra fields", () => {
    const sc = extract(fallback, {
      traceparent: "cc-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00-what-the-future-holds",
    });
    expect(sc?.traceFlags).toBe(TraceFlags.NONE);
  });

  it("writes nothing for an invalid context or when tracing is suppressed", () => {
    const out: Record<string, string> = {};
    fallback.inject(ROOT_CONTEXT, out, defaultTextMapSetter);
    const ctx = fallback.extract(ROOT_CONTEXT, { traceparent: TP }, defaultTextMapGetter);
    const suppressed = ctx.setValue(
      createContextKey("OpenTelemetry SDK Context Key SUPPRESS_TRACING"),
      true,
    );
    fallback.inject(suppressed, out, defaultTextMapSetter);
    expect(out).toEqual({});
  });

  it("agrees with @opentelemetry/core's propagator on any traceparent", () => {
    const hex = (n: number) =>
      fc.string({
        unit: fc.constantFrom(..."0123456789abcdefABx-".split("")),
        minLength: n,
        maxLength: n,
      });
    const header = fc.oneof(
      fc.tuple(hex(2), hex(32), hex(16), hex(2)).map((parts) => parts.join("-")),
      fc.string({ maxLength: 60 }),
    );
    fc.assert(
      fc.property(
        header,
        fc.option(fc.constantFrom("a=1", "k=v,x=y"), { nil: undefined }),
        (tp, ts) => {
          const carrier =
            ts === undefined ? { traceparent: tp } : { traceparent: tp, tracestate: ts };
          const mine = extract(fallback, carrier);
          const theirs = extract(reference, carrier);
          expect(mine === undefined).toBe(theirs === undefined);
          if (mine !== undefined && theirs !== undefined) {
            expect({ ...mine, traceState: mine.traceState?.serialize() }).toEqual({
              ...theirs,
              traceState: theirs.traceState?.serialize(),
            });
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
