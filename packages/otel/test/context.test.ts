import { createContextKey, ROOT_CONTEXT, trace } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { LinkedContext, SPAN_KEY } from "../src/internal/context.js";

const A = createContextKey("a");
const B = createContextKey("b");

describe("LinkedContext", () => {
  it("reads its own value, then its parent's, and derives like the API's contexts", () => {
    const parent = ROOT_CONTEXT.setValue(A, 1);
    const ctx = new LinkedContext(parent, B, 2);
    expect([ctx.getValue(A), ctx.getValue(B)]).toEqual([1, 2]);
    const changed = ctx.setValue(A, 3);
    expect([changed.getValue(A), changed.getValue(B), ctx.getValue(A)]).toEqual([3, 2, 1]);
    const deleted = changed.deleteValue(B);
    expect([deleted.getValue(A), deleted.getValue(B), changed.getValue(B)]).toEqual([
      3,
      undefined,
      2,
    ]);
  });

  it("holds a span where the trace API looks for one", () => {
    const span = trace.wrapSpanContext({
      traceId: "0af7651916cd43dd8448eb211c80319c",
      spanId: "b7ad6b7169203331",
      traceFlags: 1,
    });
    const ctx = new LinkedContext(ROOT_CONTEXT, SPAN_KEY, span);
    expect(trace.getSpan(ctx)).toBe(span);
    expect(trace.getSpan(trace.deleteSpan(ctx))).toBeUndefined();
    expect(trace.getSpan(trace.setSpan(ROOT_CONTEXT, span))).toBe(trace.getSpan(ctx));
  });
});
