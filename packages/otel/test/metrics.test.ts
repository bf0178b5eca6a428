import { context } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import type { Headers } from "@workers/runtime";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { otelObservability } from "../src/index.js";
import { fakeSystem, histogram, points, type TestSdk, testSdk } from "./helpers.js";

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterAll(() => {
  context.disable();
});

let sdk: TestSdk;
beforeEach(() => {
  sdk = testSdk();
});

const base = { "messaging.system": "workers" };

describe("metrics", () => {
  it("counts sent and consumed messages with destination and worker", async () => {
    const obs = otelObservability({ meterProvider: sdk.meterProvider });
    const h1: Headers = {};
    obs.inject(h1, { channel: "in" });
    obs.inject({}, { channel: "in" });
    await obs.around(
      { workerId: "w", channel: "in", dispatch: "go", messageId: "1" },
      h1,
      async () => {
        obs.inject({}, { channel: "out", workerId: "w" });
      },
    );
    expect(points(await sdk.metric("messaging.client.sent.messages"))).toEqual([
      {
        attributes: {
          ...base,
          "messaging.operation.name": "send",
          "messaging.destination.name": "in",
        },
        value: 2,
      },
      {
        attributes: {
          ...base,
          "messaging.operation.name": "send",
          "messaging.destination.name": "out",
          "workers.worker": "w",
        },
        value: 1,
      },
    ]);
    expect(points(await sdk.metric("messaging.client.consumed.messages"))).toEqual([
      {
        attributes: {
          ...base,
          "messaging.operation.name": "process",
          "messaging.destination.name": "in",
          "workers.worker": "w",
        },
        value: 1,
      },
    ]);
  });

  it("records processing time in seconds, with error.type on failures", async () => {
    const obs = otelObservability({ meterProvider: sdk.meterProvider });
    const info = { workerId: "w", channel: "in", dispatch: "thread", messageId: "1" } as const;
    await obs.around(info, {}, async () => undefined);
    await obs.around(info, {}, async () => undefined);
    await expect(
      obs.around(info, {}, async () => {
        throw new TypeError("x");
      }),
    ).rejects.toThrow();
    const m = await sdk.metric("messaging.process.duration");
    expect(m.descriptor.unit).toBe("s");
    const attrs = {
      ...base,
      "messaging.operation.name": "process",
      "messaging.destination.name": "in",
      "workers.worker": "w",
    };
    const h = histogram(m);
    expect(h.map((p) => [p.attributes, p.count])).toEqual([
      [{ ...attrs, "error.type": "TypeError" }, 1],
      [attrs, 2],
    ]);
    // Seconds, not milliseconds: these runs take well under a second.
    for (const p of h) expect(p.sum).toBeLessThan(1);
  });

  it("records the queue wait from the runtime's enqueuedAt, else from the time inject saw the put", async () => {
    const obs = otelObservability({ meterProvider: sdk.meterProvider });
    const info = { workerId: "w", channel: "in", dispatch: "go", messageId: "1" } as const;
    // The runtime stamps `performance.timeOrigin + performance.now()` (epoch ms).
    const enqueuedAt = performance.timeOrigin + performance.now() - 1500;
    await obs.around({ ...info, enqueuedAt }, {}, async () => undefined);
    const headers: Headers = {};
    obs.inject(headers, { channel: "in" });
    await obs.around(info, headers, async () => undefined);
    // A message nobody injected (a raw value put on the channel) has no known wait.
    await obs.around(info, {}, async () => undefined);
    const m = await sdk.metric("workers.queue.wait.duration");
    expect(m.descriptor.unit).toBe("s");
    const [p] = histogram(m);
    expect(p?.attributes).toEqual({
      ...base,
      "messaging.operation.name": "process",
      "messaging.destination.name": "in",
      "workers.worker": "w",
    });
    expect(p?.count).toBe(2);
    expect(p?.sum).toBeGreaterThanOrEqual(1.5);
    expect(p?.sum).toBeLessThan(60);
  });

  it("keeps the put time off the headers' strings", async () => {
    const tracing = testSdk();
    const obs = otelObservability({
      meterProvider: sdk.meterProvider,
      tracerProvider: tracing.tracerProvider,
    });
    const headers: Headers = {};
    obs.inject(headers, { channel: "in" });
    expect(Object.keys(headers)).toEqual(["traceparent"]);
    expect(structuredClone(headers)).toEqual({ traceparent: headers.traceparent });
    const info = { workerId: "w", channel: "in", dispatch: "go", messageId: "1" } as const;
    await obs.around(info, headers, async () => undefined);
    const [p] = histogram(await sdk.metric("workers.queue.wait.duration"));
    expect(p?.count).toBe(1);
  });

  it("counts drops by reason and failures by worker and error type", async () => {
    const obs = otelObservability({ meterProvider: sdk.meterProvider });
    const drop = (reason: string, channel: string, workerId?: string): void =>
      obs.emit({ type: "workers.drop", reason, channel, workerId, msg: 1, at: 0 });
    drop("input-drop", "in", "w");
    drop("input-drop", "in", "w");
    drop("buffer-evicted", "events");
    obs.emit({
      type: "workers.error",
      workerId: "w",
      channel: "in",
      error: Object.assign(new Error("x"), { code: "ERR_X" }),
      msg: 1,
      at: 0,
    });
    expect(points(await sdk.metric("workers.messages.dropped"))).toEqual([
      {
        attributes: {
          ...base,
          "messaging.destination.name": "events",
          "workers.drop.reason": "buffer-evicted",
        },
        value: 1,
      },
      {
        attributes: {
          ...base,
          "messaging.destination.name": "in",
          "workers.worker": "w",
          "workers.drop.reason": "input-drop",
        },
        value: 2,
      },
    ]);
    expect(points(await sdk.metric("workers.messages.failed"))).toEqual([
      {
        attributes: {
          ...base,
          "messaging.destination.name": "in",
          "workers.worker": "w",
          "error.type": "ERR_X",
        },
        value: 1,
      },
    ]);
  });

  it("observes channel size and pending puts/takes of attached systems, with the consuming worker", async () => {
    const obs = otelObservability({ meterProvider: sdk.meterProvider });
    let closed = false;
    let calls = 0;
    const system = fakeSystem({
      definition: { workers: { resize: { in: "images/in" }, tick: {} } },
      stats: () => ({
        calls: ++calls,
        channels: {
          "images/in": { size: 3, pendingPuts: 2, pendingTakes: 0, closed },
          "images/out": { size: 0, pendingPuts: 0, pendingTakes: 1, closed },
        },
      }),
    });
    obs.attach(system);
    const inAttrs = {
      ...base,
      "messaging.destination.name": "images/in",
      "workers.worker": "resize",
    };
    const outAttrs = { ...base, "messaging.destination.name": "images/out" };
    expect(points(await sdk.metric("workers.channel.size"))).toEqual([
      { attributes: inAttrs, value: 3 },
      { attributes: outAttrs, value: 0 },
    ]);
    expect(points(await sdk.metric("workers.channel.pending_puts"))).toEqual([
      { attributes: inAttrs, value: 2 },
      { attributes: outAttrs, value: 0 },
    ]);
    expect(points(await sdk.metric("workers.channel.pending_takes"))).toEqual([
      { attributes: inAttrs, value: 0 },
      { attributes: outAttrs, value: 1 },
    ]);
    expect(calls).toBe(3);
    // Once stopped (every channel closed) the system is read one last time, then forgotten.
    closed = true;
    await sdk.metrics();
    await sdk.metrics();
    expect(calls).toBe(4);
  });

  it("learns a channel's worker from processing when the system does not expose its definition", async () => {
    const obs = otelObservability({ meterProvider: sdk.meterProvider });
    obs.attach(
      fakeSystem({
        stats: () => ({ channels: { q: { size: 1, pendingPuts: 0, pendingTakes: 0 } } }),
      }),
    );
    const info = { workerId: "w", channel: "q", dispatch: "go", messageId: "1" } as const;
    await obs.around(info, {}, async () => undefined);
    expect(points(await sdk.metric("workers.channel.size"))).toEqual([
      {
        attributes: { ...base, "messaging.destination.name": "q", "workers.worker": "w" },
        value: 1,
      },
    ]);
  });

  it("keeps reporting when a system's stats() throws, dropping that system", async () => {
    const obs = otelObservability({ meterProvider: sdk.meterProvider });
    obs.attach(
      fakeSystem({
        stats: () => {
          throw new Error("gone");
        },
      }),
    );
    obs.attach(
      fakeSystem({
        stats: () => ({ channels: { ok: { size: 4, pendingPuts: 0, pendingTakes: 0 } } }),
      }),
    );
    expect(points(await sdk.metric("workers.channel.size"))).toEqual([
      { attributes: { ...base, "messaging.destination.name": "ok" }, value: 4 },
    ]);
  });
});
