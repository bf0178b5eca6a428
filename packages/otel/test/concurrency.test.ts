// Many messages in flight at once, interleaved at random await points: each keeps its own trace.
import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import type { Headers } from "@workers/runtime";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { otelObservability } from "../src/index.js";
import { testSdk } from "./helpers.js";

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterAll(() => {
  context.disable();
});

async function yields(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await Promise.resolve();
}

describe("concurrent messages", () => {
  it("never mix traces, whatever the interleaving and the number of go stages", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.array(fc.nat(5), { minLength: 4, maxLength: 4 }), {
          minLength: 1,
          maxLength: 8,
        }),
        async (stages, delays) => {
          const sdk = testSdk();
          const obs = otelObservability({
            tracerProvider: sdk.tracerProvider,
            meterProvider: sdk.meterProvider,
          });
          const tracer = sdk.tracerProvider.getTracer("app");
          const roots = await Promise.all(
            delays.map(async (wait, m) => {
              const root = tracer.startSpan(`request ${m}`);
              let headers: Headers = {};
              context.with(trace.setSpan(context.active(), root), () =>
                obs.inject(headers, { channel: "s0" }),
              );
              for (let s = 0; s < stages; s++) {
                await yields(wait[s]!);
                const next: Headers = {};
                await obs.around(
                  { workerId: `w${s}`, channel: `s${s}`, dispatch: "go", messageId: `${m}` },
                  headers,
                  async () => {
                    await yields(wait[(s + 1) % 4]!);
                    obs.inject(next, { channel: `s${s + 1}`, workerId: `w${s}` });
                  },
                );
                headers = next;
              }
              root.end();
              return root.spanContext().traceId;
            }),
          );
          const spans = sdk.spans();
          expect(spans).toHaveLength(delays.length * (1 + 2 * stages + 1));
          const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
          for (const span of spans) {
            if (span.name.startsWith("request")) continue;
            // Walk up to the root: it is the request this message belongs to.
            let cur = span;
            while (cur.parentSpanContext !== undefined)
              cur = byId.get(cur.parentSpanContext.spanId)!;
            const m = span.name.startsWith("process")
              ? span.attributes["messaging.message.id"]
              : undefined;
            expect(cur.name).toMatch(/^request \d+$/);
            if (m !== undefined) expect(cur.name).toBe(`request ${m}`);
            expect(span.spanContext().traceId).toBe(roots[Number(cur.name.split(" ")[1])]);
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
