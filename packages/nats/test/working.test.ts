// The runtime holds a long run past ack_wait: it sends `working()` every ackWaitMs/2 while the
// worker runs, so JetStream does not redeliver a message that is still being processed.

import { afterAll, beforeAll, expect, it } from "vitest";
import { startNatsSystem, uniqueSubject, until } from "./helpers.js";
import { NatsServer } from "./nats-server.js";

let server: NatsServer;
beforeAll(async () => {
  server = await NatsServer.start();
});
afterAll(async () => {
  await server.stop();
});

it("a run longer than ack_wait is not redelivered while it runs", async () => {
  const runs: { attempt: number; redelivered: boolean }[] = [];
  const { system, events } = await startNatsSystem(
    { url: server.url, subject: uniqueSubject(), concurrency: 2, transport: { ackWaitMs: 1000 } },
    async (ctx: any) => {
      runs.push({ attempt: ctx.delivery.attempt, redelivered: ctx.delivery.redelivered });
      // 2.5 ack waits: without working() JetStream would redeliver it (twice) meanwhile.
      await new Promise((r) => setTimeout(r, 2500));
    },
  );
  expect(await system.command("w", "long")).toBe(true);
  await until(() => system.stats().workers.w!.processed >= 1, "the long run processed");
  // One more ack wait after the ack: nothing comes again.
  const more = until(() => runs.length > 1, "a redelivery", 1200).then(
    () => true,
    () => false,
  );
  expect(await more).toBe(false);
  await system.stop();
  expect(runs).toEqual([{ attempt: 1, redelivered: false }]);
  expect(events.filter((e) => e.type === "workers.error" || e.type === "workers.drop")).toEqual([]);
});
