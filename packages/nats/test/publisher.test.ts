// The publisher's own acknowledgement handling: what a JetStream answer (or its absence) becomes.

import { jetstreamManager } from "@nats-io/jetstream";
import { connect, headers, type NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { messageHeaders } from "../src/codec.js";
import { type AckWaiter, LOST, Publisher, STORED } from "../src/publisher.js";
import { uniqueSubject } from "./helpers.js";
import { NatsServer } from "./nats-server.js";

let server: NatsServer;
let nc: NatsConnection;
beforeAll(async () => {
  server = await NatsServer.start();
  nc = await connect({ servers: server.url });
});
afterAll(async () => {
  await nc.close();
  await server.stop();
});

/** A waiter whose result is a promise; `sync` tells whether it came within `publish`. */
function waiter(): AckWaiter & { result: Promise<number>; sync: boolean } {
  let done!: (r: number) => void;
  let inPublish = true;
  const w = {
    deadline: 0,
    sync: false,
    result: new Promise<number>((r) => {
      done = r;
    }),
    acked(result: number) {
      w.sync = inPublish;
      done(result);
    },
  };
  queueMicrotask(() => {
    inPublish = false;
  });
  return w;
}

async function stream(maxMsgs = 1000): Promise<string> {
  const subject = uniqueSubject();
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({
    name: subject.replace(/\./g, "_"),
    subjects: [subject],
    retention: "workqueue",
    max_msgs: maxMsgs,
    discard: "new",
  });
  return subject;
}

function idHeaders(id: string) {
  const h = headers();
  h.set("Nats-Msg-Id", id);
  return h;
}

describe("Publisher", () => {
  it("reports STORED once the stream stored the message, and again for a duplicate id", async () => {
    const subject = await stream();
    const p = new Publisher(nc, 5000);
    const first = waiter();
    p.publish(subject, new Uint8Array(1), idHeaders("a"), first);
    expect(await first.result).toBe(STORED);
    expect(first.sync).toBe(false);
    const again = waiter();
    p.publish(subject, new Uint8Array(1), idHeaders("a"), again);
    expect(await again.result).toBe(STORED);
    const jsm = await jetstreamManager(nc);
    expect((await jsm.streams.info(subject.replace(/\./g, "_"))).state.messages).toBe(1);
    p.close();
  });

  it("reports the JetStream error code of a refused publish (10077: the stream is full)", async () => {
    const subject = await stream(1);
    const p = new Publisher(nc, 5000);
    const one = waiter();
    p.publish(subject, new Uint8Array(1), idHeaders("a"), one);
    expect(await one.result).toBe(STORED);
    const two = waiter();
    p.publish(subject, new Uint8Array(1), idHeaders("b"), two);
    expect(await two.result).toBe(10077);
    p.close();
  });

  it("reports LOST for a subject no stream listens on (no responders)", async () => {
    const p = new Publisher(nc, 60_000);
    const w = waiter();
    p.publish(uniqueSubject(), new Uint8Array(1), idHeaders("a"), w);
    expect(await w.result).toBe(LOST);
    p.close();
  });

  it("reports LOST when no answer comes within the timeout, oldest first", async () => {
    // A plain subscriber that never answers: the publish has a responder, but no PubAck.
    const subject = uniqueSubject();
    const silent = nc.subscribe(subject);
    await nc.flush();
    const p = new Publisher(nc, 50);
    const order: string[] = [];
    const a = waiter();
    const b = waiter();
    p.publish(subject, new Uint8Array(1), idHeaders("a"), a);
    p.publish(subject, new Uint8Array(1), idHeaders("b"), b);
    void a.result.then(() => order.push("a"));
    void b.result.then(() => order.push("b"));
    expect(await Promise.all([a.result, b.result])).toEqual([LOST, LOST]);
    expect(order).toEqual(["a", "b"]);
    silent.unsubscribe();
    p.close();
  });

  it("idle resolves once every publish sent has its answer (at once when none waits)", async () => {
    const subject = await stream();
    const p = new Publisher(nc, 60_000);
    await p.idle();
    const answered: string[] = [];
    for (const id of ["a", "b", "c"]) {
      const w = waiter();
      p.publish(subject, new Uint8Array(1), idHeaders(id), w);
      void w.result.then((r) => answered.push(`${id}:${r}`));
    }
    await p.idle();
    expect(answered).toEqual([`a:${STORED}`, `b:${STORED}`, `c:${STORED}`]);
    p.close();
  });

  it("idle resolves when close ends what waits", async () => {
    const subject = uniqueSubject();
    const silent = nc.subscribe(subject);
    await nc.flush();
    const p = new Publisher(nc, 60_000);
    const w = waiter();
    p.publish(subject, new Uint8Array(1), idHeaders("a"), w);
    const idle = p.idle();
    p.close();
    await idle;
    expect(await w.result).toBe(LOST);
    silent.unsubscribe();
  });

  it("close ends the waiting publishes with LOST, and later publishes too (never synchronously)", async () => {
    const subject = uniqueSubject();
    const silent = nc.subscribe(subject);
    await nc.flush();
    const p = new Publisher(nc, 60_000);
    const waiting = waiter();
    p.publish(subject, new Uint8Array(1), idHeaders("a"), waiting);
    p.close();
    expect(await waiting.result).toBe(LOST);
    const late = waiter();
    p.publish(subject, new Uint8Array(1), idHeaders("b"), late);
    expect(await late.result).toBe(LOST);
    expect(late.sync).toBe(false);
    silent.unsubscribe();
  });
});

describe("messageHeaders", () => {
  it("sets Nats-Msg-Id to the message's id even when a header of that name travels with it", () => {
    const h = messageHeaders(
      {
        id: "m-1",
        headers: { "Nats-Msg-Id": "same-for-all", traceparent: "t" },
        enqueuedAt: 0,
      } as never,
      undefined,
    );
    expect(h.get("Nats-Msg-Id")).toBe("m-1");
    expect(h.get("traceparent")).toBe("t");
  });
});
