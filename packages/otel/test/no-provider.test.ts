// No tracer, meter, propagator or context manager registered: the API is a no-op.
import { trace } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { type Headers, otelObservability } from "../src/index.js";
import { around } from "../src/thread.js";

describe("with no OpenTelemetry SDK registered", () => {
  it("passes messages through every hook unchanged", async () => {
    expect(trace.getActiveSpan()).toBeUndefined();
    const obs = otelObservability();
    const headers: Headers = {};
    obs.inject(headers, { channel: "in", workerId: "w", messageId: "1" });
    expect(headers).toEqual({});
    const info = { workerId: "w", channel: "in", dispatch: "go" } as const;
    await expect(obs.around(info, headers, async () => "done")).resolves.toBe("done");
    const boom = new Error("boom");
    await expect(obs.around(info, headers, () => Promise.reject(boom))).rejects.toBe(boom);
    for (const type of [
      "workers.drop",
      "workers.error",
      "workers.guard",
      "workers.start",
      "workers.stop",
    ]) {
      expect(() =>
        obs.emit({
          type,
          workerId: "w",
          channel: "in",
          reason: "input-drop",
          error: boom,
          msg: { headers },
          at: 0,
        }),
      ).not.toThrow();
    }
    expect(() =>
      obs.attach({
        stats: () => ({ channels: { in: { size: 0, pendingPuts: 0, pendingTakes: 0 } } }),
      }),
    ).not.toThrow();
    await expect(around({}, headers, async () => 1)).resolves.toBe(1);
  });

  it("writes no headers and creates no spans even when a remote parent arrives", async () => {
    const obs = otelObservability();
    const remote = { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" };
    const seen: Headers = {};
    let active: unknown;
    await obs.around({ workerId: "w", channel: "in", dispatch: "go" }, remote, () => {
      active = trace.getActiveSpan();
      obs.inject(seen, { channel: "next", workerId: "w" });
      return Promise.resolve();
    });
    // No context manager: nothing is ever active, so nothing is propagated.
    expect(active).toBeUndefined();
    expect(seen).toEqual({});
  });
});
