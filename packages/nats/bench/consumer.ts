// One consumer process of the multi-process rows. It connects, prints `READY`, starts
// consuming when its stdin says `GO`, prints `P <processed so far>` (at most once an event
// loop turn) and stops when stdin says `STOP`, then exits.
//   runtime <nats url> <subject> <concurrency>   the runtime over a NATS input
//   raw <nats url> <stream> <durable>            @nats-io/jetstream consume() + ack
//   bullmq <redis port> <queue> <concurrency>    a BullMQ Worker

import { writeSync } from "node:fs";
import { createInterface } from "node:readline";
import { jetstream } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { startWorkers, type WorkersSystem } from "@workers/runtime";
import { Worker } from "bullmq";
import { natsTransport } from "../src/index.js";
import { definition } from "./definition.js";

const [mode, where, name, arg] = process.argv.slice(2) as [string, string, string, string];
const line = (s: string): void => {
  writeSync(1, `${s}\n`);
};

let processed = 0;
let reporting = false;
function report(): void {
  reporting = false;
  line(`P ${processed}`);
}
/** One more processed: reported once the current turn of the event loop ends. */
function count(): void {
  processed++;
  if (!reporting) {
    reporting = true;
    setImmediate(report);
  }
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
  const consumer = await jetstream(nc).consumers.get(name, arg);
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
