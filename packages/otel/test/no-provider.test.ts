// No tracer, meter, propagator or context manager registered: the API is a no-op.
import { trace } from "@opentelemetry/api";
import { type Headers, startWorkers } from "@workers/runtime";
import { describe, expect, it } from "vitest";
import { otelObservability } from "../src/index.js";
import { around } from "../src/thread.js";
import { fakeSystem } from "./helpers.js";

describe("with no OpenTelemetry SDK registered", { timeout: 30_000 }, () => {
  it("runs a go -> thread -> go pipeline through the runtime unchanged", async () => {
    const results: unknown[] = [];
    const errors: unknown[] = [];
    const obs = otelObservability();
    const system = await startWorkers(
      {
        channels: { a: { buffer: 4 }, b: { buffer: 4 }, s3: { buffer: 4 }, out: { buffer: 4 } },
        workers: {
          first: {
            kind: "command",
            in: "a",
            expose: true,
            workerFn: async (
              ctx: { channels: Record<string, { put(v: unknown): Promise<boolean> }> },
              n: number,
            ) => {
              await ctx.channels.b!.put({ n });
            },
          },
          resize: {
            kind: "command",
            in: "b",
            dispatch: "thread",
            workerFn: `${new URL("./fixtures/thread-workers.ts", import.meta.url).href}#resize`,
          },
          last: {
            kind: "command",
            in: "s3",
            workerFn: (_: unknown, m: { n: number }) => results.push(m.n),
          },
        },
      } as never,
      {
        obs: {
          ...obs,
          emit: (e: { type: string }) =>
            e.type === "workers.error" ? errors.push(e) : obs.emit(e as never),
        },
      } as never,
      {
        threads: {
          min: 1,
          max: 1,
          execArgv: ["--import", new URL("./register-tsx.mjs", import.meta.url).href],
        },
      } as never,
    );
    for (const n of [1, 2, 3]) await system.command("first" as never, n as never);
    await system.stop();
    expect(errors).toEqual([]);
    expect(results.sort()).toEqual([2, 3, 4]);
  });

  it("passes messages through every hook unchanged", async () => {
    expect(trace.getActiveSpan()).toBeUndefined();
    const obs = otelObservability();
    const headers: Headers = {};
    obs.inject(headers, { channel: "in", workerId: "w" });
    expect(headers).toEqual({});
    const info = { workerId: "w", channel: "in", dispatch: "go", messageId: "1" } as const;
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
      obs.attach(
        fakeSystem({
          stats: () => ({ channels: { in: { size: 0, pendingPuts: 0, pendingTakes: 0 } } }),
        }),
      ),
    ).not.toThrow();
    await expect(around({ ...info, dispatch: "thread" }, headers, async () => 1)).resolves.toBe(1);
  });

  it("writes no headers and creates no spans even when a remote parent arrives", async () => {
    const obs = otelObservability();
    const remote = { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" };
    const seen: Headers = {};
    let active: unknown;
    const info = { workerId: "w", channel: "in", dispatch: "go", messageId: "1" } as const;
    await obs.around(info, remote, () => {
      active = trace.getActiveSpan();
      obs.inject(seen, { channel: "next", workerId: "w" });
      return Promise.resolve();
    });
    // No context manager: nothing is ever active, so nothing is propagated.
    expect(active).toBeUndefined();
    expect(seen).toEqual({});
  });
});
