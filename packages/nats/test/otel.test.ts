// Trace context through NATS: a span active in system A (a front end) and the process span in
// system B (the consumer, its own tracer provider, in this process and in a process of its own)
// share one trace; the process span's parent is A's send span, carried in the stored message's
// headers.

import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { otelObservability } from "@workers/otel";
import { startWorkers, type WorkersSystem } from "@workers/runtime";
import { afterAll, beforeAll, expect, it } from "vitest";
import { natsTransport } from "../src/index.js";
import { uniqueSubject, until } from "./helpers.js";
import { NatsServer } from "./nats-server.js";
import { FixtureProcess } from "./replicas.js";

let server: NatsServer;
beforeAll(async () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  server = await NatsServer.start();
});
afterAll(async () => {
  context.disable();
  await server.stop();
});

function sdk() {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  return { exporter, tracerProvider, spans: () => exporter.getFinishedSpans() };
}

async function system(
  subject: string,
  tracerProvider: BasicTracerProvider,
  consume: boolean,
  workerFn: (ctx: any, msg: any) => unknown,
  retry?: { attempts: number; backoffMs: number },
): Promise<WorkersSystem<any>> {
  return startWorkers(
    {
      channels: { in: { transport: "nats", subject, buffer: 100, putMode: "block" } },
      workers: {
        w: {
          kind: "command",
          in: "in",
          expose: true,
          workerFn,
          ...(retry === undefined ? {} : { retry }),
        },
      },
    } as never,
    { obs: otelObservability({ tracerProvider }) },
    { transports: { nats: natsTransport({ servers: server.url, consume, ackWaitMs: 30_000 }) } },
  );
}

it("a span in system A and the process span in system B share one trace id", async () => {
  const subject = uniqueSubject();
  const a = sdk();
  const b = sdk();
  const front = await system(subject, a.tracerProvider, false, () => {
    throw new Error("a front end never runs the worker");
  });
  let innerTrace: string | undefined;
  const back = await system(subject, b.tracerProvider, true, () => {
    // The worker's own spans are children of the process span (same trace).
    innerTrace = trace.getActiveSpan()?.spanContext().traceId;
  });
  const http = a.tracerProvider.getTracer("test").startSpan("POST /orders");
  await context.with(trace.setSpan(context.active(), http), () => front.command("w", { id: 1 }));
  http.end();
  await until(() => b.spans().some((s) => s.name === "process in"), "the process span in B");
  await Promise.all([front.stop(), back.stop()]);

  const traceId = http.spanContext().traceId;
  const send = a.spans().find((s) => s.name === "send in");
  const processed = b.spans().filter((s) => s.name === "process in");
  expect(send?.spanContext().traceId).toBe(traceId);
  expect(send?.parentSpanContext?.spanId).toBe(http.spanContext().spanId);
  expect(processed).toHaveLength(1);
  expect(processed[0]!.spanContext().traceId).toBe(traceId);
  expect(processed[0]!.parentSpanContext?.spanId).toBe(send!.spanContext().spanId);
  expect(processed[0]!.parentSpanContext?.isRemote).toBe(true);
  expect(innerTrace).toBe(traceId);
  // B never saw A's spans: the context came through the stored message alone.
  expect(b.spans().some((s) => s.name === "POST /orders" || s.name === "send in")).toBe(false);
});

it("every attempt of a retried NATS message is a process span of the same trace", async () => {
  const subject = uniqueSubject();
  const a = sdk();
  const b = sdk();
  const front = await system(subject, a.tracerProvider, false, () => undefined);
  const back = await system(
    subject,
    b.tracerProvider,
    true,
    (ctx: any) => {
      if (ctx.attempt < 3) throw new Error(`attempt ${ctx.attempt}`);
    },
    { attempts: 3, backoffMs: 20 },
  );
  const root = a.tracerProvider.getTracer("test").startSpan("job");
  await context.with(trace.setSpan(context.active(), root), () => front.command("w", "x"));
  root.end();
  await until(
    () => b.spans().filter((s) => s.name === "process in").length >= 3,
    "three process spans in B",
  );
  await Promise.all([front.stop(), back.stop()]);
  const processed = b.spans().filter((s) => s.name === "process in");
  expect(processed).toHaveLength(3);
  expect(new Set(processed.map((s) => s.spanContext().traceId))).toEqual(
    new Set([root.spanContext().traceId]),
  );
  expect(processed.map((s) => s.attributes["workers.attempt"])).toEqual([1, 2, 3]);
});

it("the process span in a consumer process has A's send span as its parent, across processes", async () => {
  const subject = uniqueSubject();
  const consumer = new FixtureProcess("traced-consumer.ts", [server.url, subject]);
  try {
    await until(() => consumer.has("READY"), "the consumer process to start", 30_000);
    const a = sdk();
    const front = await system(subject, a.tracerProvider, false, () => {
      throw new Error("a front end never runs the worker");
    });
    const http = a.tracerProvider.getTracer("test").startSpan("POST /orders");
    await context.with(trace.setSpan(context.active(), http), () => front.command("w", { id: 1 }));
    http.end();
    const printed = (): Record<string, unknown>[] =>
      consumer.lines.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
    await until(
      () => printed().some((p) => p.span === "process in"),
      "the process span in the consumer process",
    );
    await front.stop();

    const traceId = http.spanContext().traceId;
    const send = a.spans().find((s) => s.name === "send in");
    expect(send?.spanContext().traceId).toBe(traceId);
    const processed = printed().filter((p) => p.span === "process in");
    expect(processed).toHaveLength(1);
    expect(processed[0]).toMatchObject({
      traceId,
      parentSpanId: send!.spanContext().spanId,
      remote: true,
    });
    expect(printed().filter((p) => "worker" in p)).toEqual([{ worker: traceId }]);
    consumer.signal("SIGTERM");
    expect(await consumer.exited).toEqual({ code: 0, signal: null });
    expect(consumer.has("STOPPED")).toBe(true);
  } finally {
    consumer.signal("SIGKILL");
  }
});
