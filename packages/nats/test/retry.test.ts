// Retry on a NATS input: a failure that is not the last is a `nak(backoff)`, the message comes
// back as the next delivery (`ctx.attempt` = `ctx.delivery.attempt`), and only the last
// failure is an error (one `workers.error`, one fail-channel entry of the seed's shape). The fail
// channel may itself be on NATS: a dead-letter queue read back by another system.

import { startWorkers, type WorkersEvent, type WorkersSystem } from "@workers/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { natsTransport } from "../src/index.js";
import { uniqueSubject, until } from "./helpers.js";
import { NatsServer } from "./nats-server.js";

let server: NatsServer;
beforeAll(async () => {
  server = await NatsServer.start();
});
afterAll(async () => {
  await server.stop();
});

interface Run {
  msg: unknown;
  attempt: number;
  delivery: { id: string; attempt: number; redelivered: boolean } | undefined;
}

async function startRetrying(
  failures: (msg: unknown, attempt: number) => boolean,
  fail: { transport?: "nats"; subject?: string } = {},
): Promise<{ system: WorkersSystem<any>; events: WorkersEvent[]; runs: Run[] }> {
  const events: WorkersEvent[] = [];
  const runs: Run[] = [];
  const system: WorkersSystem<any> = await startWorkers(
    {
      channels: {
        in: { transport: "nats", subject: uniqueSubject(), buffer: 100, putMode: "block" },
        errors:
          fail.transport === "nats" ? { ...fail, buffer: 100, putMode: "block" } : { buffer: 16 },
      },
      workers: {
        w: {
          kind: "command",
          in: "in",
          expose: true,
          failChan: "errors",
          retry: { attempts: 3, backoffMs: 50 },
          workerFn: (ctx: any, msg: unknown) => {
            const d = ctx.delivery;
            runs.push({
              msg,
              attempt: ctx.attempt,
              delivery:
                d === undefined
                  ? undefined
                  : { id: d.id, attempt: d.attempt, redelivered: d.redelivered },
            });
            if (failures(msg, ctx.attempt))
              throw new Error(`failed ${String(msg)} #${ctx.attempt}`);
          },
        },
      },
    } as never,
    { obs: (e: WorkersEvent) => events.push(e) },
    { transports: { nats: natsTransport({ servers: server.url, ackWaitMs: 30_000 }) } },
  );
  return { system, events, runs };
}

const errorsOf = (events: readonly WorkersEvent[]) =>
  events.filter((e) => e.type === "workers.error");

describe("retry on a NATS input", () => {
  it("runs a failing message 3 times (nak, redelivered), then one error and one fail-channel entry", async () => {
    const { system, events, runs } = await startRetrying(() => true);
    const before = Date.now();
    expect(await system.command("w", "boom")).toBe(true);
    await until(() => errorsOf(events).length >= 1, "the last failure reported");
    const failed = await system.channels.errors!.take({ signal: AbortSignal.timeout(5000) });

    expect(runs.map((r) => r.attempt)).toEqual([1, 2, 3]);
    expect(runs.map((r) => r.msg)).toEqual(["boom", "boom", "boom"]);
    expect(runs.map((r) => r.delivery?.attempt)).toEqual([1, 2, 3]);
    expect(runs.map((r) => r.delivery?.redelivered)).toEqual([false, true, true]);
    // Two naks of 50 ms each between the three runs.
    expect(Date.now() - before).toBeGreaterThanOrEqual(90);

    const [error] = errorsOf(events);
    expect(error).toMatchObject({
      type: "workers.error",
      workerId: "w",
      workerKind: "command",
      channel: "in",
      message: "failed boom #3",
      msg: "boom",
      failChan: "errors",
    });
    expect((error as { error: unknown }).error).toBeInstanceOf(Error);
    expect(typeof (error as { at: unknown }).at).toBe("number");
    expect(Object.keys(error!).sort()).toEqual(
      [
        "type",
        "workerId",
        "workerKind",
        "channel",
        "message",
        "msg",
        "error",
        "failChan",
        "at",
      ].sort(),
    );
    expect(failed).toEqual(error);

    // Nothing more: the message was termed, so no fourth run and no second error.
    await system.onIdle();
    await system.stop();
    expect(runs).toHaveLength(3);
    expect(errorsOf(events)).toHaveLength(1);
    expect(system.channels.errors!.poll()).toBeUndefined();
    expect(system.stats().workers.w!.errors).toBe(1);
  });

  it("a message that succeeds on attempt 2 is processed once, with no error", async () => {
    const { system, events, runs } = await startRetrying((_m, attempt) => attempt === 1);
    expect(await system.command("w", "flaky")).toBe(true);
    await until(() => system.stats().workers.w!.processed >= 1, "processed");
    await system.onIdle();
    await system.stop();
    expect(runs.map((r) => [r.attempt, r.delivery?.attempt, r.delivery?.redelivered])).toEqual([
      [1, 1, false],
      [2, 2, true],
    ]);
    expect(system.stats().workers.w!.processed).toBe(1);
    expect(system.stats().workers.w!.errors).toBe(0);
    expect(errorsOf(events)).toEqual([]);
    expect(system.channels.errors!.poll()).toBeUndefined();
  });

  it("ctx.delivery.id is the message id the transport stored, the same on every redelivery", async () => {
    const subject = uniqueSubject();
    const transport = natsTransport({ servers: server.url, ackWaitMs: 30_000 });
    // Record the id each delivery carries as it leaves the transport (Nats-Msg-Id read back).
    const stored: string[] = [];
    const open = transport.open.bind(transport);
    transport.open = async (spec, hooks) => {
      const ch = await open(spec, hooks);
      const take = ch.take.bind(ch);
      const poll = ch.poll.bind(ch);
      const record = (d: any) => {
        if (d !== undefined) stored.push((d.value as { id: string }).id);
        return d;
      };
      ch.poll = () => record(poll());
      ch.take = async (o) => record(await take(o));
      return ch;
    };
    const runs: Run[] = [];
    const system: WorkersSystem<any> = await startWorkers(
      {
        channels: { in: { transport: "nats", subject, buffer: 100, putMode: "block" } },
        workers: {
          w: {
            kind: "command",
            in: "in",
            expose: true,
            retry: { attempts: 3, backoffMs: 20 },
            workerFn: (ctx: any, msg: unknown) => {
              runs.push({ msg, attempt: ctx.attempt, delivery: { ...ctx.delivery } });
              if (ctx.attempt < 3) throw new Error("again");
            },
          },
        },
      } as never,
      { obs: () => {} },
      { transports: { nats: transport } },
    );
    await system.command("w", "a");
    await system.command("w", "b");
    await until(() => system.stats().workers.w!.processed >= 2, "both processed");
    await system.stop();

    expect(runs).toHaveLength(6);
    expect(stored).toHaveLength(6);
    const idsOf = (m: string) => runs.filter((r) => r.msg === m).map((r) => r.delivery!.id);
    for (const m of ["a", "b"]) {
      const ids = idsOf(m);
      expect(ids).toHaveLength(3);
      expect(new Set(ids).size).toBe(1);
      expect(typeof ids[0]).toBe("string");
      expect(ids[0]!.length).toBeGreaterThan(0);
    }
    expect(idsOf("a")[0]).not.toBe(idsOf("b")[0]);
    // The id each run saw is the id the transport read from the stored message.
    expect(new Set(runs.map((r) => r.delivery!.id))).toEqual(new Set(stored));
  });
});

describe("a fail channel on NATS (dead-letter queue)", () => {
  it("the last failure's event is stored in the fail channel's stream and read back by another system", async () => {
    const dlq = uniqueSubject();
    const { system, events, runs } = await startRetrying(() => true, {
      transport: "nats",
      subject: dlq,
    });
    expect(await system.command("w", { order: 7 })).toBe(true);
    await until(() => errorsOf(events).length >= 1, "the last failure reported");
    await system.onIdle();
    await system.stop();
    expect(runs).toHaveLength(3);

    // Another system consumes the dead-letter queue.
    const read: unknown[] = [];
    const reader: WorkersSystem<any> = await startWorkers(
      {
        channels: { dead: { transport: "nats", subject: dlq, buffer: 100, putMode: "block" } },
        workers: {
          r: {
            kind: "command",
            in: "dead",
            workerFn: (_ctx: unknown, e: unknown) => {
              read.push(e);
            },
          },
        },
      } as never,
      { obs: () => {} },
      { transports: { nats: natsTransport({ servers: server.url }) } },
    );
    await until(() => read.length >= 1, "the dead letter read back");
    await reader.stop();
    expect(read).toHaveLength(1);
    const [event] = read as Record<string, unknown>[];
    expect(event).toMatchObject({
      type: "workers.error",
      workerId: "w",
      workerKind: "command",
      channel: "in",
      message: "failed [object Object] #3",
      msg: { order: 7 },
      failChan: "errors",
    });
    expect(event!.error).toBeInstanceOf(Error);
    expect((event!.error as Error).message).toBe("failed [object Object] #3");
    expect(event!.at).toBe((errorsOf(events)[0] as { at: number }).at);
  });
});
