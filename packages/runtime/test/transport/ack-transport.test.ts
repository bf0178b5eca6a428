// The transport seam with a transport that acknowledges: every delivery a worker takes is
// settled exactly once (ack when its function succeeds, term when it fails, nak when `stop`
// gives it back), and every message the stream accepted ends exactly once as acked
// (processed), terminated (failed, with its error event), dropped with an event, or still in
// the stream after stop — also when the transport redelivers messages (duplicates).

import { ConfigError } from "@workers/config";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startWorkers, type WorkersEvent, type WorkersSystem } from "../../src/index.js";
import { ackTransport } from "./ack-transport.js";

type Behaviour = "ok" | "throw" | "asyncOk" | "asyncThrow" | "slow";

const behaviour = fc.constantFrom<Behaviour>("ok", "throw", "asyncOk", "asyncThrow", "slow");

async function run(fn: Behaviour): Promise<string> {
  switch (fn) {
    case "ok":
      return "ok";
    case "throw":
      throw new Error("boom");
    case "asyncOk":
      await Promise.resolve();
      return "ok";
    case "asyncThrow":
      await Promise.resolve();
      throw new Error("boom");
    case "slow":
      await new Promise((resolve) => setTimeout(resolve, 50));
      return "ok";
  }
}

describe("an acknowledged transport", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("conserves every message through the seam (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          buffer: fc.integer({ min: 1, max: 8 }),
          bufferType: fc.constantFrom("fixed" as const, "dropping" as const, "sliding" as const),
          concurrency: fc.integer({ min: 1, max: 3 }),
          duplicateEvery: fc.constantFrom(0, 2, 3, 5),
          messages: fc.array(behaviour, { minLength: 1, maxLength: 24 }),
          drain: fc.boolean(),
          stopAfterMs: fc.constantFrom(0, 10, 100),
          stopTimeoutMs: fc.constantFrom(0, 20, 1000),
        }),
        async (s) => {
          const transport = ackTransport({ duplicateEvery: s.duplicateEvery });
          const events: WorkersEvent[] = [];
          const system: WorkersSystem<any> = await startWorkers(
            {
              channels: {
                in: { transport: "test", buffer: s.buffer, bufferType: s.bufferType },
              },
              workers: {
                w: {
                  kind: "command",
                  in: "in",
                  expose: true,
                  concurrency: s.concurrency,
                  workerFn: (_ctx: unknown, m: { fn: Behaviour }) => run(m.fn),
                },
              },
            } as never,
            { obs: (e: WorkersEvent) => events.push(e) },
            { transports: { test: transport } },
          );
          let accepted = 0;
          for (const fn of s.messages) if (await system.command("w", { fn })) accepted++;
          await vi.advanceTimersByTimeAsync(s.stopAfterMs);
          const stopped = system.stop({ drain: s.drain, timeoutMs: s.stopTimeoutMs });
          await vi.runAllTimersAsync();
          await stopped;

          const ch = transport.channels.get("in")!;
          const drops = events.filter((e) => e.type === "workers.drop");
          const errors = events.filter((e) => e.type === "workers.error");
          const stats = system.stats();
          // Every delivery settled exactly once.
          for (const m of ch.messages) {
            for (const d of m.deliveries) expect(d.settled).toHaveLength(1);
          }
          // Every accepted message ends once: acked, termed, dropped with an event, or in the stream.
          const acked = ch.messages.filter((m) => m.state === "acked").length;
          const termed = ch.messages.filter((m) => m.state === "termed").length;
          const stored = ch.remaining();
          expect(acked + termed + stored + drops.length).toBe(accepted);
          expect(
            drops.every((e) => e.type === "workers.drop" && e.reason.startsWith("buffer-")),
          ).toBe(true);
          // The runtime's counts agree with the deliveries' settlements.
          const settlements = ch.messages.flatMap((m) => m.deliveries.map((d) => d.settled[0]));
          expect(settlements.filter((x) => x === "ack")).toHaveLength(stats.workers.w!.processed);
          expect(settlements.filter((x) => x === "term")).toHaveLength(errors.length);
          expect(stats.workers.w!.errors).toBe(errors.length);
          // Nothing is dropped as `shutdown`: what stop gave up on went back to the stream.
          expect(stats.workers.w!.inFlight).toBe(0);
          expect(transport.closed).toBe(1);
          // The stop event counts what the stream still holds.
          const stop = events.find((e) => e.type === "workers.stop");
          expect(stop).toMatchObject({ remaining: stored });
        },
      ),
      { numRuns: 60 },
    );
  });

  it("hands a message that stop gives up on back to the stream (nak), not a shutdown drop", async () => {
    const transport = ackTransport();
    const events: WorkersEvent[] = [];
    const system: WorkersSystem<any> = await startWorkers(
      {
        channels: { in: { transport: "test", buffer: 4 } },
        workers: {
          w: {
            kind: "command",
            in: "in",
            expose: true,
            workerFn: () => new Promise(() => {}),
          },
        },
      } as never,
      { obs: (e: WorkersEvent) => events.push(e) },
      { transports: { test: transport } },
    );
    const reply = system.request("w", 1);
    const late = expect(reply).rejects.toMatchObject({ code: "ERR_STOPPED" });
    await system.command("w", 2);
    await vi.advanceTimersByTimeAsync(1);
    const stopped = system.stop({ timeoutMs: 10 });
    await vi.runAllTimersAsync();
    await stopped;
    await late;
    const ch = transport.channels.get("in")!;
    expect(ch.messages.map((m) => m.deliveries.map((d) => d.settled))).toEqual([[["nak"]]]);
    // The first came back; the second was never taken.
    expect(ch.remaining()).toBe(2);
    expect(events.filter((e) => e.type === "workers.drop")).toEqual([]);
  });

  it("settles a redelivered duplicate on its own (at least once)", async () => {
    const transport = ackTransport({ duplicateEvery: 1 });
    const seen: unknown[] = [];
    const system: WorkersSystem<any> = await startWorkers(
      {
        channels: { in: { transport: "test", buffer: 4 } },
        workers: {
          w: {
            kind: "command",
            in: "in",
            expose: true,
            workerFn: (_ctx: unknown, m: number) => {
              seen.push(m);
            },
          },
        },
      } as never,
      { obs: () => {} },
      { transports: { test: transport } },
    );
    await system.command("w", 7);
    await vi.runAllTimersAsync();
    const stopped = system.stop();
    await vi.runAllTimersAsync();
    await stopped;
    const ch = transport.channels.get("in")!;
    expect(seen).toEqual([7, 7]);
    expect(ch.messages.map((m) => m.deliveries)).toEqual([
      [
        { attempt: 1, settled: ["ack"] },
        { attempt: 2, settled: ["ack"] },
      ],
    ]);
    expect(system.stats().workers.w!.processed).toBe(2);
  });

  it("an unknown transport name fails the start naming the transports given", async () => {
    const definition = {
      channels: { in: { transport: "nats", buffer: 1 } },
      workers: { w: { kind: "command", in: "in", workerFn: () => {} } },
    } as never;
    const none = startWorkers(definition, { obs: () => {} });
    await expect(none).rejects.toBeInstanceOf(ConfigError);
    await expect(none).rejects.toThrow(/channels\.in\.transport.*Unknown transport "nats".*none/s);
    await expect(
      startWorkers(definition, { obs: () => {} }, { transports: { test: ackTransport() } }),
    ).rejects.toThrow(/Unknown transport "nats"; the transports given to startWorkers are: "test"/);
  });
});

describe("messages as a transport stores them", () => {
  it("messageOf gives an envelope's parts and its reply; deliveredValue rebuilds it", async () => {
    const { deliveredValue, messageOf, startWorkers: start } = await import("../../src/index.js");
    // A transport that stores messages as data (as NATS does) and answers requests through
    // the caller's reply: the round trip a cross-process request makes.
    const stored: { message: unknown; reply: unknown }[] = [];
    const outcomes: unknown[] = [];
    const transport = ackTransport();
    const original = transport.open.bind(transport);
    transport.open = (spec, hooks) => {
      const ch = original(spec, hooks) as ReturnType<typeof original> & { channel: unknown };
      const inner = ch.channel as import("@workers/channels").Channel<unknown>;
      // Producer side: store the parts; consumer side: rebuild with a reply that records.
      Object.defineProperty(ch, "channel", {
        value: new Proxy(inner, {
          get(target, key) {
            if (key === "putAsync" || key === "offer") {
              return (value: unknown) => {
                const { message, reply } = messageOf(value);
                stored.push({ message: structuredClone(message), reply });
                return target.offer(
                  deliveredValue(structuredClone(message), {
                    resolve: (v) => {
                      outcomes.push(["value", v]);
                      reply?.resolve(v);
                    },
                    reject: (e) => {
                      outcomes.push(["error", (e as Error).message]);
                      reply?.reject(e);
                    },
                  }),
                );
              };
            }
            const v = Reflect.get(target, key, target);
            return typeof v === "function" ? v.bind(target) : v;
          },
        }),
      });
      return ch;
    };
    const system: WorkersSystem<any> = await start(
      {
        channels: { in: { transport: "test", buffer: 4 } },
        workers: {
          w: {
            kind: "command",
            in: "in",
            expose: true,
            workerFn: (ctx: { headers: Record<string, string> }, n: number) => {
              if (n < 0) throw new Error("negative");
              return [n * 2, ctx.headers.trace];
            },
          },
        },
      } as never,
      {
        observability: {
          emit: () => {},
          inject: (headers: Record<string, string>) => {
            headers.trace = "t1";
          },
        },
      },
      { transports: { test: transport } },
    );
    await expect(system.request("w", 21)).resolves.toEqual([42, "t1"]);
    await expect(system.request("w", -1)).rejects.toThrow("negative");
    await system.stop();
    expect(stored.map((s) => (s.message as { body: unknown }).body)).toEqual([21, -1]);
    expect(stored.every((s) => typeof (s.message as { id: unknown }).id === "string")).toBe(true);
    expect(stored.map((s) => (s.message as { headers: unknown }).headers)).toEqual([
      { trace: "t1" },
      { trace: "t1" },
    ]);
    expect(outcomes).toEqual([
      ["value", [42, "t1"]],
      ["error", "negative"],
    ]);
  });
});

describe("policies on an acknowledged transport", () => {
  beforeEach(() => {
    vi.useFakeTimers({
      toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date", "performance"],
    });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("retry maps onto nak(backoff) and redelivery: ctx.attempt and ctx.delivery follow the delivery", async () => {
    const transport = ackTransport();
    const events: WorkersEvent[] = [];
    const seen: unknown[] = [];
    const system: WorkersSystem<any> = await startWorkers(
      {
        channels: { in: { transport: "test", buffer: 4 } },
        workers: {
          w: {
            kind: "command",
            in: "in",
            expose: true,
            retry: { attempts: 3, backoffMs: [100, 200] },
            workerFn: (ctx: { attempt: number; delivery?: unknown }, n: number) => {
              seen.push([ctx.attempt, ctx.delivery]);
              throw new Error(`fail ${n}`);
            },
          },
        },
      } as never,
      { obs: (e: WorkersEvent) => events.push(e) },
      { transports: { test: transport } },
    );
    await system.command("w", 1);
    await vi.advanceTimersByTimeAsync(1000);
    const ch = transport.channels.get("in")!;
    expect(ch.messages).toHaveLength(1);
    expect(ch.messages[0]!.deliveries).toEqual([
      { attempt: 1, settled: ["nak"], nakDelays: [100] },
      { attempt: 2, settled: ["nak"], nakDelays: [200] },
      { attempt: 3, settled: ["term"] },
    ]);
    const id = ch.messages[0]!.id;
    expect(seen).toEqual([
      [1, { id, attempt: 1, redelivered: false }],
      [2, { id, attempt: 2, redelivered: true }],
      [3, { id, attempt: 3, redelivered: true }],
    ]);
    // Only the last failure is an error.
    expect(events.filter((e) => e.type === "workers.error")).toHaveLength(1);
    expect(system.stats().workers.w).toMatchObject({ errors: 1, processed: 0, inFlight: 0 });
    const stopped = system.stop();
    await vi.runAllTimersAsync();
    await stopped;
  });

  it("sends working() every half of ackWaitMs while a message runs, and stops when it ends", async () => {
    const transport = ackTransport({ ackWaitMs: 1000 });
    const system: WorkersSystem<any> = await startWorkers(
      {
        channels: { in: { transport: "test", buffer: 4 } },
        workers: {
          w: {
            kind: "command",
            in: "in",
            expose: true,
            workerFn: () => new Promise((resolve) => setTimeout(resolve, 2600)),
          },
        },
      } as never,
      { obs: () => {} },
      { transports: { test: transport } },
    );
    await system.command("w", 1);
    await vi.advanceTimersByTimeAsync(5000);
    const ch = transport.channels.get("in")!;
    expect(ch.workingCalls.map((d) => d.attempt)).toEqual([1, 1, 1, 1, 1]);
    expect(ch.messages[0]!.deliveries).toEqual([{ attempt: 1, settled: ["ack"] }]);
    const stopped = system.stop();
    await vi.runAllTimersAsync();
    await stopped;
  });
});
