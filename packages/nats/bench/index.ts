// `pnpm --filter @workers/nats bench`: the runtime over NATS beside raw @nats-io/jetstream loops
// doing the same work, in the same run against the same local nats-server (started here on a
// free loopback port, stopped by PID).
//
// - sending: N commands through `system.command` (put mode block, WINDOW callers in flight) vs
//   raw `js.publish` with WINDOW publishes in flight;
// - processing: N messages already in the stream, a trivial worker, vs raw `consume()` + ack.

import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { startWorkers, type TransportChannel, type WorkersSystem } from "@workers/runtime";
import { natsTransport } from "../src/index.js";
import { NatsServer } from "../test/nats-server.js";

const N = Number(process.env.BENCH_N ?? 20_000);
const WINDOW = 256;
const rows: string[][] = [];
let run = 0;

function row(
  group: string,
  contender: string,
  ms: number,
  base: number | undefined,
  notes = "",
): number {
  const rate = (N / ms) * 1000;
  rows.push([
    group,
    contender,
    `${ms.toFixed(0)} ms`,
    rate >= 1000 ? `${(rate / 1000).toFixed(1)}k/s` : `${rate.toFixed(0)}/s`,
    base === undefined ? "1.00x" : `${(ms / base).toFixed(2)}x`,
    notes,
  ]);
  return ms;
}

function definition(subject: string, concurrency: number) {
  return {
    channels: { in: { transport: "nats", subject, buffer: 1_000_000, putMode: "block" } },
    workers: { w: { kind: "command", in: "in", expose: true, concurrency, workerFn: () => {} } },
  } as never;
}

async function window(send: (i: number) => Promise<unknown>): Promise<number> {
  const began = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: WINDOW }, async () => {
      while (next < N) await send(next++);
    }),
  );
  return performance.now() - began;
}

/** Runs a system over `subject` until it processed N messages. */
async function processAll(
  url: string,
  subject: string,
  concurrency: number,
  withMax: boolean,
): Promise<number> {
  const transport = natsTransport({ servers: url });
  if (withMax) {
    // What the runtime would pass once it tells the transport its free slots (see README).
    const open = transport.open.bind(transport);
    transport.open = async (spec, hooks) => {
      const ch: TransportChannel = await open(spec, hooks);
      let unsettled = 0;
      const track = (d: any): any => {
        if (d === undefined) return d;
        unsettled++;
        for (const k of ["ack", "nak", "term"]) {
          const f = d[k].bind(d);
          d[k] = (x?: unknown) => {
            unsettled--;
            f(x);
          };
        }
        return d;
      };
      const poll = ch.poll.bind(ch);
      const take = ch.take.bind(ch) as (o?: object) => Promise<unknown>;
      ch.poll = () => track(poll());
      ch.take = async (o?: { signal?: AbortSignal }) =>
        track(await take({ ...o, max: Math.max(1, concurrency - unsettled) }));
      return ch;
    };
  }
  const began = performance.now();
  const system: WorkersSystem<any> = await startWorkers(
    definition(subject, concurrency),
    { obs: () => {} },
    {
      transports: { nats: transport },
    },
  );
  while (system.stats().workers.w!.processed < N) await new Promise((r) => setTimeout(r, 2));
  const ms = performance.now() - began;
  await system.stop();
  return ms;
}

async function fill(url: string, subject: string): Promise<void> {
  const sender: WorkersSystem<any> = await startWorkers(
    definition(subject, 1),
    { obs: () => {} },
    {
      transports: { nats: natsTransport({ servers: url, consume: false }) },
    },
  );
  await window((i) => sender.command("w", i));
  await sender.stop();
}

const server = await NatsServer.start();
try {
  const url = server.url;
  const nc = await connect({ servers: url });
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);

  // ---- sending ----
  const rawSubject = `bench.raw.${++run}`;
  await jsm.streams.add({
    name: `RAW_${run}`,
    subjects: [rawSubject],
    retention: "workqueue",
    max_msgs: 1_000_000,
  });
  const rawPayload = new Uint8Array(8);
  const rawSend = await window((i) =>
    js.publish(rawSubject, rawPayload, { msgID: `r${run}-${i}` }),
  );
  const base = row(
    "send (publish, stored)",
    `raw js.publish, ${WINDOW} in flight`,
    rawSend,
    undefined,
  );
  const subject = `bench.rt.${++run}`;
  const sender: WorkersSystem<any> = await startWorkers(
    definition(subject, 1),
    { obs: () => {} },
    {
      transports: { nats: natsTransport({ servers: url, consume: false }) },
    },
  );
  const rtSend = await window((i) => sender.command("w", i));
  await sender.stop();
  row("send (publish, stored)", `runtime command, ${WINDOW} callers`, rtSend, base);

  // ---- processing ----
  const consumer = await jsm.consumers.add(`RAW_${run - 1}`, {
    durable_name: "raw",
    ack_policy: "explicit",
  });
  void consumer;
  const c = await js.consumers.get(`RAW_${run - 1}`, "raw");
  let began = performance.now();
  const messages = await c.consume();
  let seen = 0;
  for await (const m of messages) {
    m.ack();
    if (++seen === N) break;
  }
  await messages.close();
  const rawConsume = row(
    "process (pull, ack)",
    "raw consume() + ack",
    performance.now() - began,
    undefined,
    "prefetches 100",
  );
  const rt1 = row(
    "process (pull, ack)",
    "runtime, concurrency 1",
    await processAll(url, subject, 1, false),
    rawConsume,
    "one pull a take",
  );
  void rt1;
  const s2 = `bench.rt.${++run}`;
  await fill(url, s2);
  row(
    "process (pull, ack)",
    "runtime, concurrency 64",
    await processAll(url, s2, 64, false),
    rawConsume,
    "one pull a take",
  );
  const s3 = `bench.rt.${++run}`;
  await fill(url, s3);
  began = performance.now();
  row(
    "process (pull, ack)",
    "runtime, concurrency 64, take({ max: free slots })",
    await processAll(url, s3, 64, true),
    rawConsume,
    "the proposed runtime hint",
  );
  await nc.close();
} finally {
  await server.stop();
}

const header = ["workload", "contender", "time", "throughput", "vs first in group", "notes"];
console.log(`NATS transport (${N} messages, loopback nats-server ${process.version})\n`);
console.log(`| ${header.join(" | ")} |`);
console.log(`| ${header.map((_, i) => (i >= 2 && i <= 4 ? "---:" : "---")).join(" | ")} |`);
for (const r of rows) console.log(`| ${r.join(" | ")} |`);
