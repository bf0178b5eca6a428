// Property: whenever the server crashes and how long it stays away, every message a put
// accepted is processed (at least once), nothing is dropped, and the stream ends empty.

import fc from "fast-check";
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

it("conserves accepted messages across random server crashes (property)", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.record({
        killAfterMs: fc.integer({ min: 0, max: 150 }),
        downMs: fc.integer({ min: 0, max: 400 }),
        concurrency: fc.integer({ min: 1, max: 4 }),
        messages: fc.integer({ min: 10, max: 60 }),
      }),
      async (s) => {
        const seen = new Set<number>();
        const { system, events } = await startNatsSystem(
          {
            url: server.url,
            subject: uniqueSubject(),
            concurrency: s.concurrency,
            transport: { publishTimeoutMs: 300, ackWaitMs: 1000 },
          },
          (_ctx, m: number) => {
            seen.add(m);
          },
        );
        const accepted: number[] = [];
        const sending = (async () => {
          for (let i = 1; i <= s.messages; i++) if (await system.command("w", i)) accepted.push(i);
        })();
        await new Promise((r) => setTimeout(r, s.killAfterMs));
        await server.kill();
        await new Promise((r) => setTimeout(r, s.downMs));
        await server.start();
        await sending;
        expect(accepted).toHaveLength(s.messages);
        await until(() => seen.size === s.messages, "every accepted message processed", 20_000);
        // An ack lost with the crash leaves its message in the stream: it comes again (at
        // least once) after ack_wait, and is acked then.
        const after = Date.now();
        await until(
          () => {
            const ch = system.stats().channels.in as unknown as { readAt: number; size: number };
            return ch.readAt > after && ch.size === 0;
          },
          "an empty stream (read after processing)",
          20_000,
        );
        await system.stop();
        expect(events.filter((e) => e.type === "workers.drop")).toEqual([]);
        expect(events.find((e) => e.type === "workers.stop")).toMatchObject({ remaining: 0 });
      },
    ),
    { numRuns: 6 },
  );
}, 120_000);
