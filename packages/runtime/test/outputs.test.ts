import { chan } from "@workers/channels";
import { describe, expect, it } from "vitest";
import { channelState, startWorkers, type Transport, type WorkersSystem } from "../src/index.js";
import { flush, latch, recorder } from "./helpers.js";

describe("output and fail channels", () => {
  it("offers each result to outputChan; undefined results are not offered", async () => {
    const system = await startWorkers({
      channels: { in: { buffer: 4 }, out: { buffer: 4 } },
      workers: {
        w: {
          kind: "command",
          in: "in",
          expose: true,
          outputChan: "out",
          workerFn: (_c: unknown, n: number) => (n === 0 ? undefined : n * 10),
        },
      },
    });
    for (const n of [1, 0, 2]) await system.command("w", n);
    await system.stop();
    expect(await system.channels.out.take()).toBe(10);
    expect(await system.channels.out.take()).toBe(20);
    expect(await system.channels.out.take()).toBeUndefined();
  });

  it("a refused output offer is an output-drop carrying the result", async () => {
    const rec = recorder();
    const system = await startWorkers(
      {
        channels: { in: { buffer: 4 }, out: { buffer: 1 } },
        workers: {
          w: {
            kind: "command",
            in: "in",
            expose: true,
            outputChan: "out",
            workerFn: (_c: unknown, n: number) => ({ n }),
          },
        },
      },
      { obs: rec.emit },
    );
    await system.command("w", 1);
    await system.command("w", 2);
    await system.stop();
    expect(rec.of("workers.drop")).toEqual([
      {
        type: "workers.drop",
        workerId: "w",
        channel: "out",
        reason: "output-drop",
        msg: { n: 2 },
        at: expect.any(Number),
      },
    ]);
    expect(system.stats().drops).toEqual({ in: 0, out: 1 });
  });

  it("a result the output's transport cannot take (its offer throws) is an error event; the message stays processed", async () => {
    // A transport whose channel refuses to encode some values by throwing, as a broker client
    // does with a result it cannot serialize.
    const encoding: Transport = {
      open(spec) {
        const channel = chan<unknown>(spec.buffer);
        const offer = channel.offer.bind(channel);
        channel.offer = (value: unknown) => {
          if ((value as { n: number }).n % 2 === 1) throw new TypeError("cannot encode");
          return offer(value);
        };
        return {
          acknowledged: false,
          channel,
          poll: () => channel.poll(),
          take: (options) => channel.take(options),
          stats: () => channelState(channel),
          close: () => channel.close(),
        };
      },
    };
    const rec = recorder();
    const system: WorkersSystem<any> = await startWorkers(
      {
        channels: {
          in: { buffer: 8 },
          in2: { buffer: 8 },
          out: { buffer: 8, transport: "encoding" },
        },
        workers: {
          w: {
            kind: "command",
            in: "in",
            expose: true,
            outputChan: "out",
            workerFn: async (_c: unknown, n: number) => ({ n }),
          },
          v: {
            kind: "command",
            in: "in2",
            expose: true,
            outputChan: "out",
            workerFn: (_c: unknown, n: number) => ({ n }),
          },
        },
      } as never,
      { obs: rec.emit },
      { transports: { encoding } },
    );
    expect(await system.request("w", 1)).toEqual({ n: 1 });
    expect(await system.request("w", 2)).toEqual({ n: 2 });
    await system.command("v", 3);
    await system.command("v", 4);
    await system.onIdle();
    const errors = rec.of("workers.error");
    expect(errors.map((e) => [e.workerId, e.msg, (e.error as Error).message])).toEqual([
      ["w", { n: 1 }, "cannot encode"],
      ["v", { n: 3 }, "cannot encode"],
    ]);
    const stats = system.stats();
    expect(stats.workers.w).toMatchObject({ processed: 2, errors: 0 });
    expect(stats.workers.v).toMatchObject({ processed: 2, errors: 0 });
    expect(system.channels.out!.size).toBe(2);
    await system.stop();
  });

  it("emits workers.error and offers the seed's event shape to failChan", async () => {
    const rec = recorder();
    const error = new TypeError("bad input");
    const system = await startWorkers(
      {
        channels: { in: { buffer: 1 }, errors: { buffer: 4 } },
        workers: {
          w: {
            kind: "command",
            in: "in",
            expose: true,
            failChan: "errors",
            workerFn: async () => {
              throw error;
            },
          },
        },
      },
      { obs: rec.emit },
    );
    await system.command("w", { id: 7 });
    await system.stop();
    const expected = {
      type: "workers.error",
      workerId: "w",
      workerKind: "command",
      channel: "in",
      message: "bad input",
      msg: { id: 7 },
      error,
      failChan: "errors",
      at: expect.any(Number),
    };
    expect(rec.of("workers.error")).toEqual([expected]);
    expect(await system.channels.errors.take()).toEqual(expected);
    expect(system.stats().errors).toEqual({ w: 1 });
    expect(system.stats().workers.w).toMatchObject({ processed: 0, errors: 1 });
  });

  it("without failChan the error event has no failChan key", async () => {
    const rec = recorder();
    const system = await startWorkers(
      {
        channels: { in: { buffer: 1 } },
        workers: {
          w: {
            kind: "command",
            in: "in",
            expose: true,
            workerFn: () => {
              throw "plain string";
            },
          },
        },
      },
      { obs: rec.emit },
    );
    await system.command("w", 1);
    await system.stop();
    const [event] = rec.of("workers.error");
    expect(event).not.toHaveProperty("failChan");
    expect(event).toMatchObject({ message: "plain string", error: "plain string" });
  });

  it("a full fail channel is a fail-chan-full drop carrying the error event", async () => {
    const rec = recorder();
    const system = await startWorkers(
      {
        channels: { in: { buffer: 4 }, errors: { buffer: 1 } },
        workers: {
          w: {
            kind: "command",
            in: "in",
            expose: true,
            failChan: "errors",
            workerFn: (_c: unknown, n: number) => {
              throw new Error(`e${n}`);
            },
          },
        },
      },
      { obs: rec.emit },
    );
    await system.command("w", 1);
    await system.command("w", 2);
    await system.stop();
    const drops = rec.of("workers.drop");
    expect(drops).toHaveLength(1);
    expect(drops[0]).toMatchObject({
      workerId: "w",
      channel: "errors",
      reason: "fail-chan-full",
      msg: { type: "workers.error", message: "e2", msg: 2, failChan: "errors" },
    });
    expect(system.stats().drops.errors).toBe(1);
  });

  it("reports buffer-dropped and buffer-evicted from dropping and sliding buffers", async () => {
    const rec = recorder();
    const gate = latch();
    const system = await startWorkers(
      {
        channels: {
          d: { buffer: 1, bufferType: "dropping" },
          s: { buffer: 1, bufferType: "sliding" },
          side: { buffer: 1, bufferType: "sliding" },
        },
        workers: {
          dw: { kind: "command", in: "d", expose: true, workerFn: () => gate.promise },
          sw: { kind: "command", in: "s", expose: true, workerFn: () => gate.promise },
        },
      },
      { obs: rec.emit },
    );
    await system.command("dw", "d1");
    await system.command("sw", "s1");
    await flush();
    for (const m of ["d2", "d3"]) expect(await system.command("dw", m)).toBe(true);
    for (const m of ["s2", "s3"]) expect(await system.command("sw", m)).toBe(true);
    system.channels.side.offer("x");
    system.channels.side.offer("y");
    const drops = rec.of("workers.drop").map(({ at: _at, ...rest }) => rest);
    expect(drops).toEqual([
      { type: "workers.drop", workerId: "dw", channel: "d", reason: "buffer-dropped", msg: "d3" },
      { type: "workers.drop", workerId: "sw", channel: "s", reason: "buffer-evicted", msg: "s2" },
      { type: "workers.drop", channel: "side", reason: "buffer-evicted", msg: "x" },
    ]);
    expect(system.stats().drops).toEqual({ d: 1, s: 1, side: 1 });
    expect(system.stats().channels.d!.drops).toBe(1);
    gate.resolve();
    await system.stop();
  });

  it("a worker's output can be another worker's input (a pipeline)", async () => {
    const seen: unknown[] = [];
    const system = await startWorkers({
      channels: { a: { buffer: 2 }, b: { buffer: 2 }, c: { buffer: 8 } },
      workers: {
        first: {
          kind: "command",
          in: "a",
          expose: true,
          outputChan: "b",
          workerFn: (_c: unknown, n: number) => n + 1,
        },
        second: {
          kind: "command",
          in: "b",
          outputChan: "c",
          workerFn: async (_c: unknown, n: number) => n * 2,
        },
        third: {
          kind: "command",
          in: "c",
          workerFn: (_c: unknown, n: number) => {
            seen.push(n);
          },
        },
      },
    });
    await system.command("first", 1);
    await system.command("first", 2);
    await system.stop();
    expect(seen).toEqual([4, 6]);
  });
});
