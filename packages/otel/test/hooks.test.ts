import { context, type Span, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import type { Headers, ProcessInfo } from "@workers/runtime";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type OtelObservability, otelObservability } from "../src/index.js";
import { parentId, type TestSdk, testSdk } from "./helpers.js";

let cm: AsyncLocalStorageContextManager;
beforeAll(() => {
  cm = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(cm);
});
afterAll(() => {
  context.disable();
});

let sdk: TestSdk;
let obs: OtelObservability;
beforeEach(() => {
  sdk = testSdk();
  obs = otelObservability({ tracerProvider: sdk.tracerProvider, meterProvider: sdk.meterProvider });
});

const info = (
  workerId: string,
  channel: string,
  dispatch: "go" | "thread" = "go",
  messageId = `${workerId}-1`,
): ProcessInfo => ({ workerId, channel, dispatch, messageId });

/** What the runtime does for one message: inject at the put, around at the processing. */
function put(o: OtelObservability, channel: string, workerId?: string): Headers {
  const headers: Headers = {};
  o.inject(headers, workerId === undefined ? { channel } : { channel, workerId });
  return headers;
}

describe("send spans (inject)", () => {
  it("starts a PRODUCER span child of the caller's span and writes its context", () => {
    const caller = sdk.tracerProvider.getTracer("app").startSpan("POST /jobs");
    const headers = context.with(trace.setSpan(context.active(), caller), () =>
      put(obs, "jobs/in"),
    );
    caller.end();
    const send = sdk.span("send jobs/in");
    expect(send.kind).toBe(SpanKind.PRODUCER);
    expect(send.spanContext().traceId).toBe(caller.spanContext().traceId);
    expect(parentId(send)).toBe(caller.spanContext().spanId);
    expect(headers.traceparent).toBe(
      `00-${send.spanContext().traceId}-${send.spanContext().spanId}-01`,
    );
    expect(send.attributes).toEqual({
      "messaging.system": "workers",
      "messaging.operation.type": "send",
      "messaging.operation.name": "send",
      "messaging.destination.name": "jobs/in",
    });
  });

  it("names the producing worker when a worker puts", () => {
    const headers: Headers = {};
    obs.inject(headers, { channel: "out", workerId: "resize" });
    expect(sdk.span("send out").attributes).toMatchObject({ "workers.worker": "resize" });
  });

  it("starts a new trace when nothing is active", () => {
    put(obs, "a");
    expect(parentId(sdk.span("send a"))).toBeUndefined();
  });
});

describe("process spans (around)", () => {
  it("runs the processing in a CONSUMER span, child of the send span, and returns its value", async () => {
    const headers = put(obs, "jobs/in");
    let inside: Span | undefined;
    const value = await obs.around(info("jobs", "jobs/in"), headers, async () => {
      await Promise.resolve();
      inside = trace.getActiveSpan();
      sdk.tracerProvider.getTracer("app").startSpan("user work").end();
      return 42;
    });
    expect(value).toBe(42);
    const send = sdk.span("send jobs/in");
    const proc = sdk.span("process jobs/in");
    expect(proc.kind).toBe(SpanKind.CONSUMER);
    expect(parentId(proc)).toBe(send.spanContext().spanId);
    expect(proc.spanContext().traceId).toBe(send.spanContext().traceId);
    expect(inside?.spanContext().spanId).toBe(proc.spanContext().spanId);
    expect(parentId(sdk.span("user work"))).toBe(proc.spanContext().spanId);
    expect(proc.status.code).toBe(SpanStatusCode.UNSET);
    expect(proc.attributes).toEqual({
      "messaging.system": "workers",
      "messaging.operation.type": "process",
      "messaging.operation.name": "process",
      "messaging.destination.name": "jobs/in",
      "messaging.message.id": "jobs-1",
      "workers.worker": "jobs",
      "workers.dispatch": "go",
    });
  });

  it("ignores the context active around the worker loop: no headers means a new trace", async () => {
    const loop = sdk.tracerProvider.getTracer("app").startSpan("startup");
    await context.with(trace.setSpan(context.active(), loop), () =>
      obs.around(info("jobs", "jobs/in"), {}, async () => undefined),
    );
    loop.end();
    expect(parentId(sdk.span("process jobs/in"))).toBeUndefined();
  });

  it("links instead of parenting with linkInsteadOfParent", async () => {
    const linked = otelObservability({
      tracerProvider: sdk.tracerProvider,
      meterProvider: sdk.meterProvider,
      linkInsteadOfParent: true,
    });
    const headers = put(linked, "jobs/in");
    await linked.around(info("jobs", "jobs/in"), headers, async () => undefined);
    const send = sdk.span("send jobs/in");
    const proc = sdk.span("process jobs/in");
    expect(parentId(proc)).toBeUndefined();
    expect(proc.spanContext().traceId).not.toBe(send.spanContext().traceId);
    expect(proc.links.map((l) => l.context.spanId)).toEqual([send.spanContext().spanId]);
  });

  it("sets ERROR, error.type and an exception event when the processing rejects", async () => {
    const headers = put(obs, "jobs/in");
    const boom = Object.assign(new Error("disk full"), { code: "ENOSPC" });
    await expect(
      obs.around(info("jobs", "jobs/in"), headers, async () => {
        throw boom;
      }),
    ).rejects.toBe(boom);
    const proc = sdk.span("process jobs/in");
    expect(proc.status).toEqual({ code: SpanStatusCode.ERROR, message: "disk full" });
    expect(proc.attributes["error.type"]).toBe("ENOSPC");
    expect(proc.events.map((e) => e.name)).toEqual(["exception"]);
  });

  it("uses the error's name when it has no code, and _OTHER for non-errors", async () => {
    await expect(
      obs.around(info("a", "a"), {}, async () => {
        throw new TypeError("bad");
      }),
    ).rejects.toThrow(TypeError);
    await expect(
      obs.around(info("b", "b"), {}, () => Promise.reject(Object.create(null))),
    ).rejects.toBeDefined();
    expect(sdk.span("process a").attributes["error.type"]).toBe("TypeError");
    expect(sdk.span("process b").attributes["error.type"]).toBe("_OTHER");
  });

  it("handles a run that throws synchronously", async () => {
    const run = (): Promise<never> => {
      throw new RangeError("sync");
    };
    expect(() => obs.around(info("a", "a"), {}, run)).toThrow(RangeError);
    expect(sdk.span("process a").attributes["error.type"]).toBe("RangeError");
  });

  it("marks the span from a workers.error event emitted during the processing", async () => {
    const headers = put(obs, "jobs/in");
    await obs.around(info("jobs", "jobs/in"), headers, async () => {
      // The runtime handled the failure itself (fail channel) and resolved.
      obs.emit({
        type: "workers.error",
        workerId: "jobs",
        channel: "jobs/in",
        error: new SyntaxError("bad json"),
        msg: {},
        at: Date.now(),
      });
    });
    const proc = sdk.span("process jobs/in");
    expect(proc.status.code).toBe(SpanStatusCode.ERROR);
    expect(proc.attributes["error.type"]).toBe("SyntaxError");
  });

  it("records a workers.guard event on the active process span", async () => {
    await obs.around(info("jobs", "jobs/in"), {}, async () => {
      obs.emit({ type: "workers.guard", workerId: "jobs", blockedMs: 80, msg: {}, at: 0 });
    });
    obs.emit({ type: "workers.guard", workerId: "jobs", blockedMs: 5, msg: {}, at: 0 });
    const events = sdk.span("process jobs/in").events;
    expect(events.map((e) => [e.name, e.attributes])).toEqual([
      ["workers.guard", { "workers.worker": "jobs", "workers.blocked_ms": 80 }],
    ]);
  });
});

describe("a pipeline through the hooks", () => {
  it("keeps one trace id: command -> send -> process -> put -> send -> process -> put -> send -> process", async () => {
    const root = sdk.tracerProvider.getTracer("app").startSpan("GET /");
    const h1 = context.with(trace.setSpan(context.active(), root), () => put(obs, "s1"));
    root.end();
    let h2: Headers = {};
    let h3: Headers = {};
    await obs.around(info("stage1", "s1"), h1, async () => {
      h2 = put(obs, "s2", "stage1");
    });
    // stage2 is a thread worker: the runtime injects again inside run (the hop to the thread),
    // and the thread's put comes back to the main thread as a channel op.
    await obs.around(info("stage2", "s2", "thread"), h2, async () => {
      const toThread: Headers = {};
      obs.inject(toThread, { channel: "s2", workerId: "stage2" });
      const proc = trace.getActiveSpan()!.spanContext();
      expect(toThread.traceparent).toBe(`00-${proc.traceId}-${proc.spanId}-01`);
      await Promise.resolve();
      h3 = put(obs, "s3", "stage2");
    });
    await obs.around(info("stage3", "s3"), h3, async () => undefined);

    const chain = [
      "GET /",
      "send s1",
      "process s1",
      "send s2",
      "process s2",
      "send s3",
      "process s3",
    ].map((n) => sdk.span(n));
    expect(sdk.spans()).toHaveLength(chain.length);
    const traceId = root.spanContext().traceId;
    for (let i = 1; i < chain.length; i++) {
      expect(chain[i]!.spanContext().traceId).toBe(traceId);
      expect(parentId(chain[i]!)).toBe(chain[i - 1]!.spanContext().spanId);
    }
    expect(sdk.span("process s2").attributes["workers.dispatch"]).toBe("thread");
  });

  it("treats the hop of a thread ticker (named after the worker) as a hop, not a send", async () => {
    await obs.around({ workerId: "tick", dispatch: "thread", messageId: "t1" }, {}, async () => {
      const toThread: Headers = {};
      obs.inject(toThread, { channel: "tick", workerId: "tick" });
      expect(toThread.traceparent).toContain(trace.getActiveSpan()!.spanContext().spanId);
    });
    expect(sdk.spans().map((s) => s.name)).toEqual(["process tick"]);
  });

  it("parents a thread worker's put on the processing whose context the runtime carries it out in", async () => {
    // The runtime runs each thread channel op in the async context of the message that issued
    // it: with two processings in flight, each put joins its own.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const heads: Record<string, Headers> = {};
    const runs = ["a", "b"].map((id) =>
      obs.around(info("t", "s1", "thread", id), put(obs, "s1"), async () => {
        const issued = context.active();
        await gate;
        heads[id] = context.with(issued, () => put(obs, "s2", "t"));
      }),
    );
    release();
    await Promise.all(runs);
    const procs = sdk.spans().filter((s) => s.name === "process s1");
    const sends = sdk.spans().filter((s) => s.name === "send s2");
    expect(sends).toHaveLength(2);
    const parents = new Set(sends.map(parentId));
    expect(parents).toEqual(new Set(procs.map((p) => p.spanContext().spanId)));
    expect(heads.a?.traceparent).not.toBe(heads.b?.traceparent);
  });
  it("does not parent a thread worker's put on a finished processing left in the port's context", async () => {
    let stale = context.active();
    await obs.around(info("t", "s1", "thread", "first"), put(obs, "s1"), async () => {
      stale = context.active();
    });
    context.with(stale, () => put(obs, "s2", "t"));
    const send = sdk.span("send s2");
    expect(parentId(send)).toBeUndefined();
    expect(send.spanContext().traceId).not.toBe(sdk.span("process s1").spanContext().traceId);
  });

  it("starts a new trace for a thread put it cannot attribute among several processings", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const a = obs.around(info("t", "s1", "thread", "a"), put(obs, "s1"), () => gate);
    const b = obs.around(info("t", "s1", "thread", "b"), put(obs, "s1"), () => gate);
    put(obs, "s2", "t");
    release();
    await Promise.all([a, b]);
    expect(parentId(sdk.span("send s2"))).toBeUndefined();
  });
});

describe("drops", () => {
  it("records a short drop span under the lost message's send span, with the reason", () => {
    const headers = put(obs, "images/in");
    obs.emit({
      type: "workers.drop",
      workerId: "images",
      channel: "images/in",
      reason: "input-drop",
      msg: { id: "m1", body: {}, headers, enqueuedAt: 0 },
      at: 0,
    });
    const send = sdk.span("send images/in");
    const drop = sdk.span("drop images/in");
    expect(parentId(drop)).toBe(send.spanContext().spanId);
    expect(drop.kind).toBe(SpanKind.INTERNAL);
    expect(drop.attributes).toEqual({
      "messaging.system": "workers",
      "messaging.destination.name": "images/in",
      "workers.worker": "images",
      "workers.drop.reason": "input-drop",
    });
  });

  it("parents a refused put's drop (which carries only the body) on the send made just before", async () => {
    const caller = sdk.tracerProvider.getTracer("app").startSpan("caller");
    context.with(trace.setSpan(context.active(), caller), () => {
      put(obs, "q");
      obs.emit({
        type: "workers.drop",
        workerId: "w",
        channel: "q",
        reason: "input-drop",
        msg: 1,
        at: 0,
      });
      // An eviction loses an older message: not this send's.
      obs.emit({ type: "workers.drop", channel: "q", reason: "buffer-evicted", msg: 0, at: 0 });
    });
    caller.end();
    await Promise.resolve();
    // In a later turn the send is forgotten.
    obs.emit({
      type: "workers.drop",
      workerId: "w",
      channel: "q",
      reason: "input-drop",
      msg: 2,
      at: 0,
    });
    const drops = sdk.spans().filter((s) => s.name === "drop q");
    expect(drops.map((d) => [d.attributes["workers.drop.reason"], parentId(d)])).toEqual([
      ["input-drop", sdk.span("send q").spanContext().spanId],
      ["buffer-evicted", caller.spanContext().spanId],
      ["input-drop", undefined],
    ]);
  });

  it("parents a drop of a plain value (an output drop) on the active process span", async () => {
    await obs.around(info("w", "in"), {}, async () => {
      obs.emit({
        type: "workers.drop",
        workerId: "w",
        channel: "out",
        reason: "output-drop",
        msg: 7,
        at: 0,
      });
    });
    expect(parentId(sdk.span("drop out"))).toBe(sdk.span("process in").spanContext().spanId);
  });
});

describe("propagators", () => {
  it("uses the given propagator and keeps tracestate across the hop", async () => {
    const p = otelObservability({
      tracerProvider: sdk.tracerProvider,
      meterProvider: sdk.meterProvider,
      propagator: new W3CTraceContextPropagator(),
    });
    const headers: Headers = {
      traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      tracestate: "vendor=abc",
    };
    await p.around(info("w", "in"), headers, async () => {
      const out: Headers = {};
      p.inject(out, { channel: "next", workerId: "w" });
      expect(out.tracestate).toBe("vendor=abc");
    });
    const proc = sdk.span("process in");
    expect(proc.spanContext().traceId).toBe("0af7651916cd43dd8448eb211c80319c");
    expect(parentId(proc)).toBe("b7ad6b7169203331");
  });
});
