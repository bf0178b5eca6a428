// The component built before an SDK registers (as when `NodeSDK.start()` runs after the module
// that creates it): while nothing is registered it records nothing and only carries context;
// it records as soon as an SDK registers.
import { context, metrics, propagation, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import type { Headers } from "@workers/runtime";
import { afterEach, describe, expect, it } from "vitest";
import { otelObservability } from "../src/index.js";
import { parentId, points, testSdk } from "./helpers.js";

const TP = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
const info = { workerId: "w", channel: "in", dispatch: "go", messageId: "1" } as const;

afterEach(() => {
  trace.disable();
  metrics.disable();
  propagation.disable();
  context.disable();
});

describe("before an SDK registers", () => {
  it("carries a remote parent through to the next put, as the no-op tracer's spans would", async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const obs = otelObservability();
    const next: Headers = {};
    await obs.around(info, { traceparent: TP }, async () => {
      await Promise.resolve();
      obs.inject(next, { channel: "next", workerId: "w" });
    });
    expect(next).toEqual({ traceparent: TP });
  });

  it("records spans once a tracer provider registers after the component was built", async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const obs = otelObservability();
    obs.inject({}, { channel: "in" });
    const sdk = testSdk();
    trace.setGlobalTracerProvider(sdk.tracerProvider);
    const headers: Headers = {};
    obs.inject(headers, { channel: "in" });
    await obs.around(info, headers, async () => undefined);
    expect(sdk.spans().map((s) => s.name)).toEqual(["send in", "process in"]);
    expect(parentId(sdk.span("process in"))).toBe(sdk.span("send in").spanContext().spanId);
  });

  it("counts messages when only a meter provider is registered", async () => {
    const sdk = testSdk();
    metrics.setGlobalMeterProvider(sdk.meterProvider);
    const obs = otelObservability();
    const headers: Headers = {};
    obs.inject(headers, { channel: "in" });
    await obs.around(info, headers, async () => undefined);
    expect(points(await sdk.metric("messaging.client.sent.messages"))).toHaveLength(1);
    expect(points(await sdk.metric("messaging.client.consumed.messages"))).toHaveLength(1);
    expect(sdk.spans()).toEqual([]);
  });
});
