import type { Tracer, TracerProvider } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { OtelError, type OtelObservabilityOptions, otelObservability } from "../src/index.js";
import { createThreadAround } from "../src/thread.js";
import { fakeSystem } from "./helpers.js";

const info = { workerId: "w", channel: "c", dispatch: "go", messageId: "1" } as const;

describe("options", () => {
  it.each([
    ["tracerProvider", { tracerProvider: {} }],
    ["meterProvider", { meterProvider: { getMeter: 1 } }],
    ["propagator", { propagator: { inject() {} } }],
    ["linkInsteadOfParent", { linkInsteadOfParent: "yes" }],
    ["options", null],
  ])("rejects a wrong %s with ERR_OTEL_OPTIONS", (option, options) => {
    const call = () => otelObservability(options as unknown as OtelObservabilityOptions);
    expect(call).toThrow(OtelError);
    try {
      call();
    } catch (e) {
      expect((e as OtelError).code).toBe("ERR_OTEL_OPTIONS");
      expect((e as { option: string }).option).toBe(option);
    }
  });

  it("rejects a thread propagator without extract", () => {
    expect(() => createThreadAround({ propagator: {} as never })).toThrow(
      expect.objectContaining({ code: "ERR_OTEL_OPTIONS" }),
    );
  });

  it("never lets a failing tracer break message flow", async () => {
    const broken = {
      startSpan() {
        throw new Error("exporter on fire");
      },
    } as unknown as Tracer;
    const tracerProvider: TracerProvider = { getTracer: () => broken };
    const obs = otelObservability({ tracerProvider });
    expect(() => obs.inject({}, { channel: "c" })).not.toThrow();
    expect(() =>
      obs.emit({ type: "workers.drop", channel: "c", reason: "input-drop", msg: 1, at: 0 }),
    ).not.toThrow();
    await expect(obs.around(info, {}, async () => 5)).resolves.toBe(5);
  });
});

describe("composition", () => {
  it("keeps working when spread into another object (its methods do not depend on this)", async () => {
    const otel = otelObservability();
    const seen: string[] = [];
    const wrapped = {
      ...otel,
      emit: (event: { type: string }) => {
        otel.emit(event);
        seen.push(event.type);
      },
    };
    wrapped.inject({}, { channel: "c" });
    wrapped.emit({ type: "workers.start" });
    await expect(wrapped.around(info, {}, async () => 1)).resolves.toBe(1);
    wrapped.attach(fakeSystem({ stats: () => ({ channels: {} }) }));
    expect(seen).toEqual(["workers.start"]);
  });
});
