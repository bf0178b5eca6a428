// One consumer process of the multi-process rows. It connects, warms up (the same path over
// WARM messages of its own, as a long-running replica would be), prints `READY`, starts
// consuming when its stdin says `GO`, prints `P <processed so far>` (at most once an event
// loop turn) and stops when stdin says `STOP`, then exits.
//   runtime <nats url> <subject> <concurrency>   the runtime over a NATS input
//   raw <nats url> <stream> <durable>            @nats-io/jetstream consume() + ack
//   bullmq <redis port> <queue> <concurrency>    a BullMQ Worker

import { writeSync } from "node:fs";
import { createInterface } from "node:readline";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { startWorkers, type WorkersSystem } from "@workers/runtime";
import { Queue, Worker } from "bullmq";
import { natsTransport } from "../src/index.js";
import { definition } from "./definition.js";

const [mode, where, name, arg] = process.argv.slice(2) as [string, string, string, string];
const WARM = 2000;
const line = (s: string): void => {
  writeSync(1, `${s}\n`);
};

let processed = 0;
let reporting = false;
let warming = true;
function report(): void {
  reporting = false;
  line(`P ${processed}`);
}
/** One more processed: reported once the current turn of the event loop ends. */
function count(): void {
  if (warming) return;
  processed++;
  if (!reporting) {
    reporting = true;
    setImmediate(report);
  }
}

async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 2));
}

const commands = createInterface({ input: process.stdin });
const said = (word: string): Promise<void> =>
  new Promise((resolve) => {
    const on = (l: string): void => {
      if (l !== word) return;
      commands.off("line", on);
      resolve();
    };
    commands.on("line", on);
  });

if (mode === "runtime") {
  const nc = await connect({ servers: where });
  {
    const warm: WorkersSystem<any> = await startWorkers(
      definition(`${name}.warm.${process.pid}`, Number(arg)),
      { obs: () => {} },
      { transports: { nats: natsTransport({ connection: nc }) } },
    );
    let next = 0;
    await Promise.all(
      Array.from({ length: 256 }, async () => {
        while (next < WARM) await warm.command("w", next++);
      }),
    );
    await until(() => warm.stats().workers.w!.processed >= WARM);
    await warm.stop();
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete(`WORKERS_${name}.warm.${process.pid}`.replace(/[^A-Za-z0-9_-]/g, "_"));
  }
  warming = false;
  line("READY");
  await said("GO");
  const system: WorkersSystem<any> = await startWorkers(
    definition(name, Number(arg), count),
    { obs: () => {} },
    { transports: { nats: natsTransport({ connection: nc }) } },
  );
  await said("STOP");
  await system.stop();
  await nc.close();
} else if (mode === "raw") {
  const nc = await connect({ servers: where });
  const js = jetstream(nc);
  {
    const jsm = await jetstreamManager(nc);
    const stream = `${name}_warm_${process.pid}`;
    const subject = `bench.warm.${process.pid}`;
    await jsm.streams.add({ name: stream, subjects: [subject], retention: "workqueue" });
    await jsm.consumers.add(stream, { durable_name: arg, ack_policy: "explicit" });
    await Promise.all(
      Array.from({ length: WARM }, (_, i) =>
        js.publish(subject, new Uint8Array(8), { msgID: `w${i}` }),
      ),
    );
    const messages = await (await js.consumers.get(stream, arg)).consume();
    let seen = 0;
    for await (const m of messages) {
      m.ack();
      if (++seen === WARM) break;
    }
    await messages.close();
    await jsm.streams.delete(stream);
  }
  warming = false;
  const consumer = await js.consumers.get(name, arg);
  line("READY");
  await said("GO");
  const messages = await consumer.consume();
  const stop = said("STOP").then(() => messages.close());
  for await (const m of messages) {
    m.ack();
    count();
  }
  await stop;
  await nc.close();
} else if (mode === "bullmq") {
  const connection = { host: "127.0.0.1", port: Number(where), maxRetriesPerRequest: null };
  const worker = new Worker(name, async () => {}, {
    connection,
    concurrency: Number(arg),
    autorun: false,
  });
  worker.on("completed", count);
  {
    const queue = `${name}-warm-${process.pid}`;
    const q = new Queue(queue, { connection });
    await q.addBulk(Array.from({ length: WARM }, (_, i) => ({ name: "job", data: { i } })));
    const warm = new Worker(queue, async () => {}, { connection, concurrency: Number(arg) });
    let done = 0;
    warm.on("completed", () => done++);
    await until(() => done >= WARM);
    await warm.close();
    await q.obliterate({ force: true });
    await q.close();
  }
  warming = false;
  await worker.waitUntilReady();
  line("READY");
  await said("GO");
  const running = worker.run();
  await said("STOP");
  await worker.close();
  await running;
} else {
  throw new Error(`unknown mode ${mode}`);
}
commands.close();
