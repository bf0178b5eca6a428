// A thread worker (`dispatch: "thread"`) reading a NATS input: the loop takes from JetStream on
// the main thread, the pool runs the module, results go to the output and answer requests.

import { threadId } from "node:worker_threads";
import { startWorkers, type WorkersEvent, type WorkersSystem } from "@workers/runtime";
import { afterAll, beforeAll, expect, it } from "vitest";
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

const execArgv = ["--import", new URL("./fixtures/register-tsx.mjs", import.meta.url).href];

it("a thread worker processes every message of a NATS input, answers requests and reports errors", async () => {
  const events: WorkersEvent[] = [];
  const system: WorkersSystem<any> = await startWorkers(
    {
      channels: {
        in: { transport: "nats", subject: uniqueSubject(), buffer: 100, putMode: "block" },
        out: { buffer: 100 },
      },
      workers: {
        w: {
          kind: "command",
          in: "in",
          expose: true,
          dispatch: "thread",
          concurrency: 4,
          outputChan: "out",
          workerFn: "./fixtures/thread-nats.ts#double",
        },
      },
    } as never,
    { obs: (e: WorkersEvent) => events.push(e) },
    {
      baseUrl: import.meta.url,
      threads: { min: 1, max: 2, execArgv },
      transports: { nats: natsTransport({ servers: server.url, ackWaitMs: 30_000 }) },
    },
  );
  try {
    const N = 20;
    for (let i = 1; i <= N; i++) expect(await system.command("w", i)).toBe(true);
    const out: { value: number; threadId: number; dispatch: string }[] = [];
    await until(async () => {
      for (let v = system.channels.out!.poll(); v !== undefined; v = system.channels.out!.poll())
        out.push(v as never);
      return out.length >= N;
    }, "every message processed");
    expect(out.map((o) => o.value).sort((a, b) => a - b)).toEqual(
      Array.from({ length: N }, (_, i) => 2 * (i + 1)),
    );
    expect(out.every((o) => o.dispatch === "thread" && o.threadId !== threadId)).toBe(true);

    await expect(system.request("w", 21)).resolves.toMatchObject({ value: 42 });
    await expect(system.request("w", -1)).rejects.toMatchObject({
      name: "RangeError",
      message: "negative -1",
    });
    await until(() => system.stats().workers.w!.processed >= N + 1, "request counted");
    expect(events.filter((e) => e.type === "workers.error")).toHaveLength(1);
    expect(events.filter((e) => e.type === "workers.drop")).toEqual([]);
  } finally {
    await system.stop();
  }
  expect(system.stats().workers.w!.processed).toBe(21);
  expect(system.stats().workers.w!.errors).toBe(1);
});
