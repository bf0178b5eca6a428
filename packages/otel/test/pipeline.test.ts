// End to end through @workers/runtime: a 3-stage pipeline whose middle stage runs on a thread.
import { context, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { startWorkers, type WorkersEvent, type WorkersSystem } from "@workers/runtime";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { otelObservability } from "../src/index.js";
import { RELAY_CHANNEL, type RelayedSpan, relayed } from "./fixtures/span-relay.js";
import { histogram, points, type TestSdk, testSdk } from "./helpers.js";

const fixture = (name: string): string =>
  `${new URL("./fixtures/thread-workers.ts", import.meta.url).href}#${name}`;
const threads = {
  min: 1,
  max: 1,
  setup: new URL("./fixtures/thread-setup.ts", import.meta.url).href,
  execArgv: ["--import", new URL("./register-tsx.mjs", import.meta.url).href],
};

/** Spans finished inside worker threads, relayed by the thread's exporter. */
class ThreadSpans {
  readonly spans: RelayedSpan[] = [];
  readonly #relay = new BroadcastChannel(RELAY_CHANNEL);
  #waiters: (() => void)[] = [];
  constructor() {
    this.#relay.onmessage = (e: MessageEvent) => {
      this.spans.push(...(e.data as RelayedSpan[]));
      for (const w of this.#waiters.splice(0)) w();
    };
  }
  /** Resolves once a span of that name arrived (the test's timeout bounds the wait). */
  async named(name: string): Promise<RelayedSpan> {
    for (;;) {
      const found = this.spans.find((s) => s.name === name);
      if (found !== undefined) return found;
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }
  close(): void {
    this.#relay.close();
  }
}

function latch<T = void>(): { promise: Promise<T>; resolve(v: T): void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterAll(() => {
  context.disable();
});

let sdk: TestSdk;
let system: WorkersSystem | undefined;
let threadSpans: ThreadSpans | undefined;
afterEach(async () => {
  await system?.stop();
  system = undefined;
  threadSpans?.close();
  threadSpans = undefined;
}, 30_000);

type Ctx = { channels: Record<string, { put(v: unknown): Promise<boolean> }> };

async function startPipeline(events: WorkersEvent[] = []) {
  sdk = testSdk();
  const obs = otelObservability({
    tracerProvider: sdk.tracerProvider,
    meterProvider: sdk.meterProvider,
  });
  const done = latch<number>();
  const definition = {
    channels: {
      "orders/in": { buffer: 8 },
      "orders/resize": { buffer: 8 },
      s3: { buffer: 8 },
      errors: { buffer: 8 },
    },
    workers: {
      intake: {
        kind: "command",
        in: "orders/in",
        expose: true,
        workerFn: async (ctx: Ctx, msg: { n: number }) => {
          await ctx.channels["orders/resize"]!.put({ n: msg.n + 1 });
        },
      },
      resize: {
        kind: "command",
        in: "orders/resize",
        dispatch: "thread",
        workerFn: fixture("resize"),
      },
      store: {
        kind: "command",
        in: "s3",
        workerFn: (_ctx: unknown, msg: { n: number }) => done.resolve(msg.n),
      },
      broken: {
        kind: "command",
        in: "errors",
        expose: true,
        dispatch: "thread",
        failChan: undefined,
        workerFn: fixture("explode"),
      },
    },
  };
  const emit = (e: WorkersEvent): void => {
    events.push(e);
    obs.emit(e);
  };
  system = (await startWorkers(
    definition as never,
    { obs: { ...obs, emit } } as never,
    { threads } as never,
  )) as WorkersSystem;
  return { system, done };
}

const byName = (name: string): ReadableSpan => sdk.span(name);

// Threads start with the tsx loader: generous limits for a busy machine.
describe("a 3-stage pipeline with a thread stage", { timeout: 30_000 }, () => {
  it("is one trace: HTTP span -> send -> process -> put -> send -> process (thread) -> put -> send -> process", async () => {
    threadSpans = new ThreadSpans();
    const { system: s, done } = await startPipeline();
    const root = sdk.tracerProvider
      .getTracer("http")
      .startSpan("POST /orders", { kind: SpanKind.SERVER });
    await context.with(trace.setSpan(context.active(), root), () =>
      s.command("intake" as never, { n: 1 } as never),
    );
    root.end();
    expect(await done.promise).toBe(3);
    const resizeSpan = await threadSpans.named("sharp.resize");
    await s.stop();

    const chain = [
      "POST /orders",
      "send orders/in",
      "process orders/in",
      "send orders/resize",
      "process orders/resize",
      "send s3",
      "process s3",
    ].map(byName);
    const traceId = root.spanContext().traceId;
    for (let i = 1; i < chain.length; i++) {
      expect(chain[i]!.spanContext().traceId, chain[i]!.name).toBe(traceId);
      expect(chain[i]!.parentSpanContext?.spanId, chain[i]!.name).toBe(
        chain[i - 1]!.spanContext().spanId,
      );
    }
    // The worker's own span, made inside the thread, nests under the thread stage's process span.
    expect(resizeSpan.traceId).toBe(traceId);
    expect(resizeSpan.parentSpanId).toBe(byName("process orders/resize").spanContext().spanId);
    expect(resizeSpan.thread).toBe(true);
    // Nothing else: the hop to the thread is not a send.
    expect(
      sdk
        .spans()
        .map((x) => x.name)
        .sort(),
    ).toEqual(chain.map((x) => x.name).sort());

    expect(byName("process orders/resize").attributes).toMatchObject({
      "messaging.system": "workers",
      "messaging.operation.type": "process",
      "messaging.destination.name": "orders/resize",
      "workers.worker": "resize",
      "workers.dispatch": "thread",
    });
    expect(byName("process orders/resize").attributes["messaging.message.id"]).toEqual(
      expect.any(String),
    );
    expect(byName("send s3").attributes).toMatchObject({ "workers.worker": "resize" });
    expect(byName("send orders/in").kind).toBe(SpanKind.PRODUCER);
    expect(byName("process s3").kind).toBe(SpanKind.CONSUMER);
  });

  it("records every metric with the right attributes", async () => {
    threadSpans = new ThreadSpans();
    const { system: s, done } = await startPipeline();
    await s.command("intake" as never, { n: 1 } as never);
    await done.promise;
    const base = { "messaging.system": "workers" };
    const worker = (channel: string, w: string) => ({
      ...base,
      "messaging.destination.name": channel,
      "workers.worker": w,
    });
    const sent = points(await sdk.metric("messaging.client.sent.messages"));
    expect(sent).toHaveLength(3);
    expect(sent).toContainEqual({
      attributes: {
        ...base,
        "messaging.operation.name": "send",
        "messaging.destination.name": "orders/in",
      },
      value: 1,
    });
    expect(sent).toContainEqual({
      attributes: { ...worker("orders/resize", "intake"), "messaging.operation.name": "send" },
      value: 1,
    });
    expect(sent).toContainEqual({
      attributes: { ...worker("s3", "resize"), "messaging.operation.name": "send" },
      value: 1,
    });
    await s.stop();
    const processAttrs = (channel: string, w: string) => ({
      ...worker(channel, w),
      "messaging.operation.name": "process",
    });
    const consumed = points(await sdk.metric("messaging.client.consumed.messages"));
    expect(consumed).toHaveLength(3);
    for (const [channel, w] of [
      ["orders/in", "intake"],
      ["orders/resize", "resize"],
      ["s3", "store"],
    ] as const) {
      expect(consumed).toContainEqual({ attributes: processAttrs(channel, w), value: 1 });
      for (const name of ["messaging.process.duration", "workers.queue.wait.duration"]) {
        const h = histogram(await sdk.metric(name));
        expect(h, `${name} ${channel}`).toContainEqual({
          attributes: processAttrs(channel, w),
          count: 1,
          sum: expect.any(Number),
        });
      }
    }
  });

  it("marks a failing thread worker's process span as ERROR with error.type and counts it", async () => {
    const events: WorkersEvent[] = [];
    const { system: s } = await startPipeline(events);
    await s.command("broken" as never, { n: 1 } as never);
    await s.stop();
    const span = byName("process errors");
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.status.message).toBe("decoder crashed");
    expect(span.attributes["error.type"]).toBe("ERR_DECODE");
    expect(span.events.map((e) => e.name)).toContain("exception");
    expect(events.map((e) => e.type)).toContain("workers.error");
    expect(points(await sdk.metric("workers.messages.failed"))).toEqual([
      {
        attributes: {
          "messaging.system": "workers",
          "messaging.destination.name": "errors",
          "workers.worker": "broken",
          "error.type": "ERR_DECODE",
        },
        value: 1,
      },
    ]);
    const failedDuration = histogram(await sdk.metric("messaging.process.duration")).find(
      (p) => p.attributes["error.type"] === "ERR_DECODE",
    );
    expect(failedDuration?.count).toBe(1);
  });

  it("observes channel gauges with the consuming worker", async () => {
    await startPipeline();
    const size = points(await sdk.metric("workers.channel.size"));
    expect(size).toContainEqual({
      attributes: {
        "messaging.system": "workers",
        "messaging.destination.name": "orders/resize",
        "workers.worker": "resize",
      },
      value: 0,
    });
    for (const name of ["workers.channel.pending_puts", "workers.channel.pending_takes"]) {
      expect(points(await sdk.metric(name))).toHaveLength(4);
    }
  });
});

describe("drops through the runtime", { timeout: 30_000 }, () => {
  it("hangs a drop span with the reason under the lost message's send span, and counts it", async () => {
    sdk = testSdk();
    const obs = otelObservability({
      tracerProvider: sdk.tracerProvider,
      meterProvider: sdk.meterProvider,
    });
    const gate = latch();
    system = (await startWorkers(
      {
        channels: { q: { buffer: 1, putMode: "drop" } },
        workers: { slow: { kind: "command", in: "q", expose: true, workerFn: () => gate.promise } },
      } as never,
      { obs } as never,
    )) as WorkersSystem;
    const accepted: boolean[] = [];
    for (let n = 0; n < 3; n++) accepted.push(await system.command("slow" as never, n as never));
    gate.resolve();
    await system.stop();
    expect(accepted.filter((a) => !a)).toHaveLength(1);
    const drop = byName("drop q");
    expect(drop.attributes).toEqual({
      "messaging.system": "workers",
      "messaging.destination.name": "q",
      "workers.worker": "slow",
      "workers.drop.reason": "input-drop",
    });
    const sends = sdk.spans().filter((x) => x.name === "send q");
    expect(sends).toHaveLength(3);
    expect(sends.map((x) => x.spanContext().spanId)).toContain(drop.parentSpanContext?.spanId);
    expect(sdk.spans().filter((x) => x.name === "process q")).toHaveLength(2);
    expect(points(await sdk.metric("workers.messages.dropped"))).toEqual([
      { attributes: drop.attributes, value: 1 },
    ]);
  });
});

export { relayed };
