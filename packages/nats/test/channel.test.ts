// A runtime system whose input channel is a JetStream stream: commands and requests are
// processed, and fixed / dropping / sliding buffers behave as mapped (backpressure, refused
// newest, evicted oldest) with exact drop events.

import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { startWorkers } from "@workers/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { natsTransport } from "../src/index.js";
import { drops, gate, startNatsSystem, uniqueSubject, until } from "./helpers.js";
import { NatsServer } from "./nats-server.js";

let server: NatsServer;
beforeAll(async () => {
  server = await NatsServer.start();
});
afterAll(async () => {
  await server.stop();
});

describe("a NATS input channel", () => {
  it("processes commands and answers requests with values and errors", async () => {
    const seen: number[] = [];
    const { system, events } = await startNatsSystem(
      { url: server.url, subject: uniqueSubject() },
      (_ctx, m: number) => {
        if (m < 0) throw new Error("negative");
        seen.push(m);
        return m * 2;
      },
    );
    for (let i = 1; i <= 20; i++) expect(await system.command("w", i)).toBe(true);
    await expect(system.request("w", 21)).resolves.toBe(42);
    await expect(system.request("w", -1)).rejects.toThrow("negative");
    await until(() => seen.length === 21, "21 processed");
    expect(seen).toEqual([...Array.from({ length: 20 }, (_, i) => i + 1), 21]);
    await system.stop();
    expect(system.stats().workers.w!.processed).toBe(21);
    expect(events.find((e) => e.type === "workers.stop")).toMatchObject({ remaining: 0 });
    expect(drops(events)).toEqual([]);
  });

  it("keeps structured-clone values and envelope headers across the stream", async () => {
    const got: unknown[] = [];
    const { system } = await startNatsSystem(
      { url: server.url, subject: uniqueSubject() },
      (_c, m) => {
        got.push(m);
        return m;
      },
    );
    const value = { when: new Date(0), big: 10n, set: new Set([1, 2]), map: new Map([["a", 1]]) };
    await expect(system.request("w", value)).resolves.toEqual(value);
    expect(got).toEqual([value]);
    await system.stop();
  });

  it("fixed: a full stream holds the producer back until a worker makes room", async () => {
    const g = gate();
    const started: number[] = [];
    const { system, events } = await startNatsSystem(
      { url: server.url, subject: uniqueSubject(), buffer: 2, putMode: "block" },
      async (_ctx, m: number) => {
        started.push(m);
        if (m === 1) await g.wait;
      },
    );
    await system.command("w", 1);
    await until(() => started.length === 1, "message 1 running");
    // 1 is in flight (still in the stream until acked) and 2 fills it: 3 waits for room.
    await system.command("w", 2);
    let third = false;
    const put = system.command("w", 3).then((ok) => {
      third = ok;
    });
    await until(() => system.stats().channels.in!.pendingPuts === 1, "a pending put");
    await new Promise((r) => setTimeout(r, 200));
    expect(third).toBe(false);
    g.open();
    await put;
    expect(third).toBe(true);
    await until(() => started.length === 3, "all processed");
    await system.stop();
    expect(started).toEqual([1, 2, 3]);
    expect(drops(events)).toEqual([]);
  });

  it("fixed with putMode drop: offer refuses while the stream is known to be full", async () => {
    const g = gate();
    const started: number[] = [];
    const { system, events } = await startNatsSystem(
      { url: server.url, subject: uniqueSubject(), buffer: 1, putMode: "drop" },
      async (_ctx, m: number) => {
        started.push(m);
        await g.wait;
      },
    );
    expect(await system.command("w", 1)).toBe(true);
    await until(() => started.length === 1, "message 1 running");
    // The stream's one slot holds message 1 until it is acked: 2 is refused by JetStream, then
    // (the stream known full) 3 is refused at once as an input-drop.
    expect(await system.command("w", 2)).toBe(true);
    await until(() => (system.channels as any).in.full === true, "stream known full");
    expect(await system.command("w", 3)).toBe(false);
    g.open();
    await until(() => started.length === 2, "2 processed");
    await system.stop();
    expect(started).toEqual([1, 2]);
    expect(drops(events)).toEqual([{ reason: "input-drop", msg: 3 }]);
  });

  it("dropping: a full stream refuses the newest, each reported as buffer-dropped", async () => {
    const g = gate();
    const started: number[] = [];
    const { system, events } = await startNatsSystem(
      { url: server.url, subject: uniqueSubject(), buffer: 2, bufferType: "dropping" },
      async (_ctx, m: number) => {
        started.push(m);
        if (m === 1) await g.wait;
      },
    );
    await system.command("w", 1);
    await until(() => started.length === 1, "message 1 running");
    for (let i = 2; i <= 6; i++) expect(await system.command("w", i)).toBe(true);
    const dropped = system.request("w", 7);
    await expect(dropped).rejects.toMatchObject({ code: "ERR_DROPPED", reason: "buffer-dropped" });
    g.open();
    await until(() => started.length === 2, "2 processed");
    await system.stop();
    expect(started).toEqual([1, 2]);
    expect(drops(events)).toEqual(
      [3, 4, 5, 6, 7].map((msg) => ({ reason: "buffer-dropped", msg })),
    );
    expect(system.stats().channels.in!.drops).toBe(5);
    expect(system.stats().drops.in).toBe(5);
  });

  it("sliding: a full stream evicts the oldest, counted as buffer-evicted", async () => {
    const g = gate();
    const started: number[] = [];
    const { system, events } = await startNatsSystem(
      { url: server.url, subject: uniqueSubject(), buffer: 2, bufferType: "sliding" },
      async (_ctx, m: number) => {
        started.push(m);
        if (m === 1) await g.wait;
      },
    );
    await system.command("w", 1);
    await until(() => started.length === 1, "message 1 running");
    // 1 was delivered already (it runs); of 2..8 only the last two stay: 2..6 never seen.
    for (let i = 2; i <= 8; i++) expect(await system.command("w", i)).toBe(true);
    g.open();
    await until(() => started.length === 3, "7 and 8 processed");
    await system.stop();
    expect(started).toEqual([1, 7, 8]);
    expect(drops(events)).toEqual(
      Array.from({ length: 5 }, () => ({ reason: "buffer-evicted", msg: undefined })),
    );
    expect(system.stats().channels.in!.drops).toBe(5);
  });

  it("leaves what it did not take in the stream at stop, counted as remaining", async () => {
    const g = gate();
    const subject = uniqueSubject();
    const { system, events } = await startNatsSystem({ url: server.url, subject }, async () => {
      await g.wait;
    });
    for (let i = 1; i <= 5; i++) await system.command("w", i);
    await until(() => system.stats().workers.w!.inFlight === 1, "one running");
    await system.stop({ timeoutMs: 100 });
    g.open();
    // The one in flight went back (nak), the 4 others were never taken.
    expect(events.find((e) => e.type === "workers.stop")).toMatchObject({ remaining: 5 });
    expect(drops(events)).toEqual([]);
  });

  it("stats read the stream: size, consumer state, the stream's name", async () => {
    const g = gate();
    const { system } = await startNatsSystem(
      { url: server.url, subject: uniqueSubject() },
      () => g.wait,
    );
    for (let i = 1; i <= 3; i++) await system.command("w", i);
    await new Promise((r) => setTimeout(r, 1100));
    system.stats();
    await until(() => system.stats().channels.in!.size === 3, "size 3");
    expect(system.stats().channels.in).toMatchObject({
      size: 3,
      capacity: 100,
      bufferType: "fixed",
      ackPending: 1,
    });
    g.open();
    await system.stop();
  });
});

describe("starting a NATS transport", () => {
  it("an unreachable server fails the start with ERR_TRANSPORT_UNAVAILABLE, quickly", async () => {
    const began = Date.now();
    await expect(
      startNatsSystem({ url: "nats://127.0.0.1:1", subject: uniqueSubject() }, () => {}),
    ).rejects.toMatchObject({ code: "ERR_TRANSPORT_UNAVAILABLE" });
    expect(Date.now() - began).toBeLessThan(6000);
  });

  it("a conflicting existing stream fails the start with ERR_TRANSPORT_CONFIG naming the field", async () => {
    const subject = uniqueSubject();
    const a = await startNatsSystem({ url: server.url, subject, buffer: 10 }, () => {});
    await a.system.stop();
    await expect(
      startNatsSystem({ url: server.url, subject, buffer: 20 }, () => {}),
    ).rejects.toMatchObject({ code: "ERR_TRANSPORT_CONFIG", field: "max_msgs" });
    await expect(
      startNatsSystem({ url: server.url, subject, buffer: 10, bufferType: "sliding" }, () => {}),
    ).rejects.toMatchObject({ code: "ERR_TRANSPORT_CONFIG", field: "discard" });
    // The same definition again is fine.
    const b = await startNatsSystem({ url: server.url, subject, buffer: 10 }, () => {});
    await b.system.stop();
  });

  it("creates one work-queue stream a channel with max_msgs = buffer", async () => {
    const subject = uniqueSubject();
    const { system } = await startNatsSystem(
      { url: server.url, subject, buffer: 7, bufferType: "sliding" },
      () => {},
    );
    const nc = await connect({ servers: server.url });
    const jsm = await jetstreamManager(nc);
    const info = await jsm.streams.info(`WORKERS_${subject.replace(/[^A-Za-z0-9_-]/g, "_")}`);
    expect(info.config).toMatchObject({
      subjects: [subject],
      retention: "workqueue",
      max_msgs: 7,
      discard: "old",
    });
    await nc.close();
    await system.stop();
  });

  it("uses a connection it is given and leaves it open at stop", async () => {
    const nc = await connect({ servers: server.url });
    const system = await startWorkers(
      {
        channels: { in: { transport: "nats", subject: uniqueSubject(), buffer: 10 } },
        workers: {
          w: {
            kind: "command",
            in: "in",
            expose: true,
            workerFn: (_c: unknown, m: number) => m + 1,
          },
        },
      } as never,
      { obs: () => {} },
      { transports: { nats: natsTransport({ connection: nc }) } },
    );
    await expect(system.request("w" as never, 1 as never)).resolves.toBe(2);
    await system.stop();
    expect(nc.isClosed()).toBe(false);
    await nc.close();
  });

  it("take and poll on system.channels of a NATS channel throw ERR_TRANSPORT_UNSUPPORTED", async () => {
    const { system } = await startNatsSystem(
      { url: server.url, subject: uniqueSubject() },
      () => {},
    );
    expect(() => system.channels.in!.poll()).toThrow(
      expect.objectContaining({ code: "ERR_TRANSPORT_UNSUPPORTED" }),
    );
    await expect(system.channels.in!.take()).rejects.toMatchObject({
      code: "ERR_TRANSPORT_UNSUPPORTED",
    });
    await system.stop();
  });
});
