// Across processes: requests served by another system (same process, then another process),
// replicas sharing one durable input (a kill -9 loses nothing), a server that crashes and comes
// back (nothing accepted is lost), and a replica that exits by itself after stop.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNatsSystem, uniqueSubject, until } from "./helpers.js";
import { NatsServer } from "./nats-server.js";
import { Replica } from "./replicas.js";

let server: NatsServer;
beforeAll(async () => {
  server = await NatsServer.start();
});
afterAll(async () => {
  await server.stop();
});

/** A front end: sends to the channel, consumes nothing. */
function frontEnd(subject: string, ackWaitMs = 30_000) {
  return startNatsSystem(
    { url: server.url, subject, buffer: 10000, transport: { consume: false, ackWaitMs } },
    () => {
      throw new Error("a front end never runs the worker");
    },
  );
}

describe("requests across systems", () => {
  it("a request from system A is served by system B (one process): value, error, timeout", async () => {
    const subject = uniqueSubject();
    const a = await frontEnd(subject);
    const b = await startNatsSystem(
      { url: server.url, subject, buffer: 10000 },
      async (_ctx, m: number) => {
        if (m < 0) throw Object.assign(new RangeError(`negative ${m}`), { code: "E_NEG" });
        if (m === 0) await new Promise((r) => setTimeout(r, 500));
        return m * 2;
      },
    );
    await expect(a.system.request("w", 21)).resolves.toBe(42);
    await expect(a.system.request("w", -1)).rejects.toMatchObject({
      name: "RangeError",
      message: "negative -1",
      code: "E_NEG",
    });
    await expect(a.system.request("w", 0, { timeoutMs: 50 })).rejects.toMatchObject({
      code: "ERR_TIMEOUT",
    });
    await Promise.all([a.system.stop(), b.system.stop()]);
    expect(a.system.stats().workers.w!.processed).toBe(0);
    expect(b.system.stats().workers.w!.processed).toBe(2);
  });

  it("a request is served by a replica in another process", async () => {
    const subject = uniqueSubject();
    const replica = new Replica(server.url, subject);
    await until(() => replica.has("READY"), "replica ready", 20_000);
    const a = await frontEnd(subject);
    await expect(a.system.request("w", 5)).resolves.toBe(10);
    await expect(a.system.request("w", -2)).rejects.toThrow("negative -2");
    replica.signal("SIGTERM");
    await a.system.stop();
    // After stop, the replica exits by itself: no timer, socket or consumer left.
    expect(await replica.exited).toEqual({ code: 0, signal: null });
    expect(replica.has("STOPPED")).toBe(true);
  });
});

describe("replicas sharing one durable input", () => {
  it("a replica killed mid-flight loses nothing: its unacked messages go to the other", async () => {
    const subject = uniqueSubject();
    const r1 = new Replica(server.url, subject, { ackWaitMs: 1000, workMs: 10 });
    const r2 = new Replica(server.url, subject, { ackWaitMs: 1000, workMs: 10 });
    await until(() => r1.has("READY") && r2.has("READY"), "replicas ready", 20_000);
    const a = await frontEnd(subject, 1000);
    const N = 300;
    for (let i = 1; i <= N; i++) expect(await a.system.command("w", i)).toBe(true);
    await until(() => r1.acked().length >= 20, "r1 working");
    r1.signal("SIGKILL");
    await r1.exited;
    await until(
      () => new Set([...r1.acked(), ...r2.acked()]).size === N,
      "every message acked",
      20_000,
    );
    r2.signal("SIGTERM");
    expect(await r2.exited).toEqual({ code: 0, signal: null });
    await a.system.stop();

    const acks = [...r1.acked(), ...r2.acked()];
    const deliveries = [...r1.deliveries(), ...r2.deliveries()];
    const count = new Map<number, number>();
    for (const b of acks) count.set(b, (count.get(b) ?? 0) + 1);
    expect([...count.keys()].sort((x, y) => x - y)).toEqual(
      Array.from({ length: N }, (_, i) => i + 1),
    );
    // Acked once, or twice only when one of its deliveries was a redelivery.
    for (const [body, n] of count) {
      expect(n).toBeLessThanOrEqual(2);
      if (n === 2) expect(deliveries.some((d) => d.body === body && d.redelivered)).toBe(true);
    }
    // Whatever r2 got again (r1's unacked messages) came marked redelivered.
    const firstSeen = new Set<number>();
    for (const d of r2.deliveries()) {
      if (!d.redelivered) firstSeen.add(d.body);
    }
    expect(r2.deliveries().some((d) => d.redelivered)).toBe(true);
  }, 60_000);
});

describe("a server that crashes and comes back", () => {
  it("loses nothing a put accepted", async () => {
    const subject = uniqueSubject();
    const seen = new Set<number>();
    const { system, events } = await startNatsSystem(
      {
        url: server.url,
        subject,
        buffer: 10000,
        concurrency: 4,
        transport: { publishTimeoutMs: 500 },
      },
      (_ctx, m: number) => {
        seen.add(m);
      },
    );
    const N = 200;
    const accepted: number[] = [];
    const sending = (async () => {
      for (let i = 1; i <= N; i++) if (await system.command("w", i)) accepted.push(i);
    })();
    await until(() => accepted.length >= 50, "some sent");
    await server.kill();
    await new Promise((r) => setTimeout(r, 300));
    await server.start();
    await sending;
    expect(accepted).toHaveLength(N);
    await until(() => seen.size === N, "every accepted message processed", 20_000);
    await system.stop();
    expect(events.filter((e) => e.type === "workers.drop")).toEqual([]);
  }, 60_000);
});
