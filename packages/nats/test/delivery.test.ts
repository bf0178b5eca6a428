// The seam driven directly: deliveries carry JetStream's delivery count, a nak comes back after
// its delay as a redelivery, `working` holds a message past ack_wait, term ends it for good.

import type { Delivery } from "@workers/runtime";
import { afterAll, beforeAll, expect, it } from "vitest";
import { natsTransport } from "../src/index.js";
import { uniqueSubject } from "./helpers.js";
import { NatsServer } from "./nats-server.js";

let server: NatsServer;
beforeAll(async () => {
  server = await NatsServer.start();
});
afterAll(async () => {
  await server.stop();
});

async function openChannel(ackWaitMs: number) {
  const transport = natsTransport({ servers: server.url, ackWaitMs });
  const dropped: unknown[] = [];
  const ch = await transport.open(
    { name: "in", buffer: 10, bufferType: "fixed", putMode: "block", subject: uniqueSubject() },
    { onDrop: (v, reason) => dropped.push([v, reason]) },
  );
  return { transport, ch, dropped };
}

it("a nak comes back after its delay, redelivered with attempt 2; ack ends it", async () => {
  const { transport, ch } = await openChannel(30_000);
  expect(await ch.channel.put("a")).toBe(true);
  const first = (await ch.take()) as Delivery;
  expect(first).toMatchObject({ attempt: 1, redelivered: false, ackWaitMs: 30_000 });
  expect((first.value as { body: unknown }).body).toBe("a");
  const began = Date.now();
  first.nak(200);
  const second = (await ch.take()) as Delivery;
  expect(Date.now() - began).toBeGreaterThanOrEqual(150);
  expect(second).toMatchObject({ attempt: 2, redelivered: true, id: first.id });
  second.ack();
  await transport.close();
  expect(ch.stats().size).toBe(0);
});

it("working() holds a message past ack_wait; without it the message comes again", async () => {
  const { transport, ch } = await openChannel(1000);
  await ch.channel.put("held");
  const d = (await ch.take()) as Delivery;
  const timer = setInterval(() => d.working(), 400);
  const again = ch.take({ signal: AbortSignal.timeout(1800) });
  await expect(again).rejects.toBeDefined();
  clearInterval(timer);
  // Not working any more: redelivered once ack_wait passes.
  const redelivered = (await ch.take()) as Delivery;
  expect(redelivered).toMatchObject({ id: d.id, redelivered: true });
  redelivered.term();
  await transport.close();
  expect(ch.stats().size).toBe(0);
});

it("take resolves undefined once the channel is closed", async () => {
  const { transport, ch } = await openChannel(30_000);
  const waiting = ch.take();
  ch.close();
  await expect(waiting).resolves.toBeUndefined();
  await transport.close();
});
