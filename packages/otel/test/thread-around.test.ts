import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { around, createThreadAround } from "../src/thread.js";
import { testSdk } from "./helpers.js";

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterAll(() => {
  context.disable();
});

const TP = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
const info = { workerId: "w", channel: "in", dispatch: "thread", messageId: "1" } as const;

describe("thread-side around", () => {
  it("makes the headers' context active across awaits, so spans nest under it", async () => {
    const sdk = testSdk();
    const value = await around(info, { traceparent: TP }, async () => {
      await Promise.resolve();
      sdk.tracerProvider.getTracer("user").startSpan("resize").end();
      return trace.getActiveSpan()?.spanContext().spanId;
    });
    expect(value).toBe("b7ad6b7169203331");
    const [span] = sdk.spans();
    expect(span?.parentSpanContext?.spanId).toBe("b7ad6b7169203331");
    expect(span?.spanContext().traceId).toBe("0af7651916cd43dd8448eb211c80319c");
  });

  it("does not leak the context active where the pool runs tasks", async () => {
    const sdk = testSdk();
    const outer = sdk.tracerProvider.getTracer("x").startSpan("outer");
    const seen = await context.with(trace.setSpan(context.active(), outer), () =>
      around(info, {}, async () => trace.getActiveSpan()),
    );
    expect(seen).toBeUndefined();
  });

  it("takes its own propagator", async () => {
    const custom = createThreadAround({ propagator: new W3CTraceContextPropagator() });
    const seen = await custom(info, { traceparent: TP, tracestate: "k=v" }, async () =>
      trace.getActiveSpan()?.spanContext().traceState?.get("k"),
    );
    expect(seen).toBe("v");
  });
});
