// `pnpm --filter @workers/nats bench`: the runtime over NATS beside raw @nats-io/jetstream loops
// doing the same work, the same definition with an in-memory input, and BullMQ on Redis, in one
// run. nats-server and redis-server are started here on free loopback ports and stopped by PID;
// without /usr/bin/redis-server the BullMQ rows are left out (with a note).
//
// - send, awaited: one message at a time, each stored before the next;
// - send, in flight: WINDOW sends in flight (BullMQ: `addBulk` of BATCH jobs);
// - process, one process: N messages already in the stream (queue, buffer), a trivial worker;
// - process, separate processes: the same with consumer processes (see consumer.ts), one and two.
//
// Every runtime row over NATS acknowledges as the transport does: a `command` resolves once
// JetStream stored the message (dedupe by message id), a message is acked after its worker.

import {
  type JetStreamClient,
  type JetStreamManager,
  jetstream,
  jetstreamManager,
} from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { startWorkers, type WorkersSystem } from "@workers/runtime";
import { natsTransport } from "../src/index.js";
import { NatsServer } from "../test/nats-server.js";
import { BATCH, BullBench } from "./bullmq.js";
import { runConsumers } from "./consumers.js";
import { definition } from "./definition.js";
import { RedisServer } from "./redis-server.js";
import { type Row, Table } from "./table.js";

const N = Number(process.env.BENCH_N ?? 80_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WINDOW = 256;
const CONCURRENCY = 64;
const BULL_CONCURRENCY = 50;
const table = new Table(N);
const PAYLOAD = new Uint8Array(8);
let run = 0;

const SEND_AWAITED = "send, awaited one at a time";
const SEND_WINDOW = `send, ${WINDOW} in flight`;
const PROCESS = "process (pull, ack), one process";
const PROCESSES = "process (pull, ack), separate processes";

/** `send(0..n-1)` with `window` calls in flight; returns ms. */
async function inFlight(
  send: (i: number) => Promise<unknown>,
  n = N,
  window = WINDOW,
): Promise<number> {
  const began = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: window }, async () => {
      while (next < n) await send(next++);
    }),
  );
  return performance.now() - began;
}

async function awaited(send: (i: number) => Promise<unknown>, n = N): Promise<number> {
  const began = performance.now();
  for (let i = 0; i < n; i++) await send(i);
  return performance.now() - began;
}

async function untilProcessed(system: WorkersSystem<any>, n = N): Promise<void> {
  while (system.stats().workers.w!.processed < n) await new Promise((r) => setTimeout(r, 2));
}

class Raw {
  constructor(
    readonly js: JetStreamClient,
    readonly jsm: JetStreamManager,
  ) {}

  /** A work-queue stream with a durable `raw` consumer; returns its name and subject. */
  async stream(): Promise<{ stream: string; subject: string }> {
    const stream = `RAW_${++run}`;
    const subject = `bench.raw.${run}`;
    await this.jsm.streams.add({
      name: stream,
      subjects: [subject],
      retention: "workqueue",
      max_msgs: 1_000_000,
    });
    await this.jsm.consumers.add(stream, { durable_name: "raw", ack_policy: "explicit" });
    return { stream, subject };
  }

  publish(subject: string, i: number): Promise<unknown> {
    return this.js.publish(subject, PAYLOAD, { msgID: `${subject}-${i}` });
  }

  /** `consume()` + ack in this process until n acked; returns ms. */
  async consume(stream: string, n = N): Promise<number> {
    const c = await this.js.consumers.get(stream, "raw");
    const began = performance.now();
    const messages = await c.consume();
    let seen = 0;
    for await (const m of messages) {
      m.ack();
      if (++seen === n) break;
    }
    const ms = performance.now() - began;
    await messages.close();
    return ms;
  }
}

async function natsSystem(
  url: string,
  subject: string,
  concurrency: number,
  consume: boolean,
): Promise<WorkersSystem<any>> {
  return startWorkers(
    definition(subject, concurrency),
    { obs: () => {} },
    {
      transports: { nats: natsTransport({ servers: url, consume }) },
    },
  );
}

/** As `natsSystem`, on a connection made beforehand: a start spends only the stream checks. */
async function connectedSystem(
  nc: NatsConnection,
  subject: string,
  concurrency: number,
): Promise<WorkersSystem<any>> {
  return startWorkers(
    definition(subject, concurrency),
    { obs: () => {} },
    {
      transports: { nats: natsTransport({ connection: nc }) },
    },
  );
}

async function memorySystem(
  concurrency: number,
  workerFn?: () => unknown,
): Promise<WorkersSystem<any>> {
  return startWorkers(definition(undefined, concurrency, workerFn), { obs: () => {} });
}

/** Stores n messages on `subject` through a runtime that only sends. */
async function fill(url: string, subject: string, n = N): Promise<void> {
  const sender = await natsSystem(url, subject, 1, false);
  await inFlight((i) => sender.command("w", i), n);
  await sender.stop();
}

/**
 * A runtime system over `subject` (already holding n messages) until it processed them; ms from
 * its start (the stream and consumer checks included, the connection made before).
 */
async function processNats(
  url: string,
  subject: string,
  concurrency: number,
  n = N,
): Promise<number> {
  const nc = await connect({ servers: url });
  const began = performance.now();
  const system = await connectedSystem(nc, subject, concurrency);
  await untilProcessed(system, n);
  const ms = performance.now() - began;
  await system.stop();
  await nc.close();
  return ms;
}

/** In memory: n messages buffered while the workers wait, then released; ms from release. */
async function processMemory(concurrency: number, n = N): Promise<number> {
  let released = false;
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const system = await memorySystem(concurrency, () => (released ? undefined : gate));
  await inFlight((i) => system.command("w", i), n);
  const began = performance.now();
  released = true;
  release();
  await untilProcessed(system, n);
  const ms = performance.now() - began;
  await system.stop();
  return ms;
}

/** Every path once on a tenth of N, so that the first row is not the one paying for JIT. */
async function warmUp(url: string, raw: Raw): Promise<void> {
  const n = Math.max(100, Math.floor(N / 10));
  const { stream, subject } = await raw.stream();
  await inFlight((i) => raw.publish(subject, i), n);
  await raw.consume(stream, n);
  const s = `bench.rt.${++run}`;
  await fill(url, s, n);
  await processNats(url, s, CONCURRENCY, n);
  await processMemory(CONCURRENCY, n);
}

const nats = await NatsServer.start();
const redis = await RedisServer.start();
const bull = redis === undefined ? undefined : new BullBench(redis, N);
const bullRow = async (
  group: string,
  contender: string,
  measure: (b: BullBench) => Promise<number>,
  notes?: string,
): Promise<Row | undefined> =>
  bull === undefined ? undefined : table.add(group, contender, await measure(bull), notes);
try {
  const url = nats.url;
  const nc = await connect({ servers: url });
  const raw = new Raw(jetstream(nc), await jetstreamManager(nc));
  await warmUp(url, raw);
  await bull?.warmUp(Math.max(100, Math.floor(N / 10)));

  // ---- send, awaited ----
  const rawA = await raw.stream();
  table.add(
    SEND_AWAITED,
    "raw `await js.publish`",
    await awaited((i) => raw.publish(rawA.subject, i)),
  );
  const rtA = `bench.rt.${++run}`;
  let sender = await natsSystem(url, rtA, 1, false);
  const rtAwaited = table.add(
    SEND_AWAITED,
    "runtime `await command`, NATS input",
    await awaited((i) => sender.command("w", i)),
  );
  await sender.stop();
  let memory = await memorySystem(CONCURRENCY);
  table.add(
    SEND_AWAITED,
    "runtime `await command`, in-memory input",
    await awaited((i) => memory.command("w", i)),
    "worker running in the same process",
  );
  await memory.stop();
  const qA = await bull?.queue();
  table.relate(
    rtAwaited,
    await bullRow(SEND_AWAITED, "BullMQ `await queue.add`", (b) => b.addAwaited(qA!)),
    "BullMQ",
  );

  // ---- send, in flight ----
  const rawB = await raw.stream();
  table.add(
    SEND_WINDOW,
    `raw js.publish, ${WINDOW} in flight`,
    await inFlight((i) => raw.publish(rawB.subject, i)),
  );
  const rtB = `bench.rt.${++run}`;
  sender = await natsSystem(url, rtB, 1, false);
  const rtWindow = table.add(
    SEND_WINDOW,
    `runtime command, ${WINDOW} callers, NATS input`,
    await inFlight((i) => sender.command("w", i)),
  );
  await sender.stop();
  memory = await memorySystem(CONCURRENCY);
  table.add(
    SEND_WINDOW,
    `runtime command, ${WINDOW} callers, in-memory input`,
    await inFlight((i) => memory.command("w", i)),
    "worker running in the same process",
  );
  await memory.stop();
  const qB = await bull?.queue();
  table.relate(
    rtWindow,
    await bullRow(
      SEND_WINDOW,
      `BullMQ \`await addBulk\` of ${BATCH}`,
      (b) => b.addBulk(qB!),
      "one batch at a time",
    ),
    "BullMQ",
  );

  // ---- process, one process ----
  table.add(PROCESS, "raw consume() + ack", await raw.consume(rawB.stream), "prefetches 100");
  const rt64 = table.add(
    PROCESS,
    `runtime, concurrency ${CONCURRENCY}, NATS input`,
    await processNats(url, rtA, CONCURRENCY),
    "pulls what free slots can start; start included",
  );
  table.add(
    PROCESS,
    "runtime, concurrency 1, NATS input",
    await processNats(url, rtB, 1),
    "one message a pull",
  );
  table.add(
    PROCESS,
    `runtime, concurrency ${CONCURRENCY}, in-memory input`,
    await processMemory(CONCURRENCY),
  );
  table.relate(
    rt64,
    await bullRow(PROCESS, `BullMQ Worker, concurrency ${BULL_CONCURRENCY}`, (b) =>
      b.work(qA!, BULL_CONCURRENCY),
    ),
    "BullMQ",
  );

  // ---- process, separate processes ----
  // One and two processes, interleaved over ROUNDS rounds, each on a stream filled anew; the
  // best round of each is kept (on 2 cores shared with nats-server one round moves by ±25%).
  const best = { raw1: Infinity, raw2: Infinity, rt1: Infinity, rt2: Infinity };
  for (let round = 0; round < ROUNDS; round++) {
    for (const processes of [1, 2] as const) {
      const s = await raw.stream();
      await inFlight((i) => raw.publish(s.subject, i));
      const rawMs = await runConsumers(processes, ["raw", url, s.stream, "raw"], N);
      const subject = `bench.rt.${++run}`;
      await fill(url, subject);
      const rtMs = await runConsumers(processes, ["runtime", url, subject, String(CONCURRENCY)], N);
      if (processes === 1) {
        best.raw1 = Math.min(best.raw1, rawMs);
        best.rt1 = Math.min(best.rt1, rtMs);
      } else {
        best.raw2 = Math.min(best.raw2, rawMs);
        best.rt2 = Math.min(best.rt2, rtMs);
      }
    }
  }
  const bestOf = `best of ${ROUNDS} rounds`;
  const raw1 = table.add(PROCESSES, "raw consume() + ack, 1 process", best.raw1, bestOf);
  table.relate(
    table.add(PROCESSES, "raw consume() + ack, 2 processes", best.raw2, bestOf),
    raw1,
    "one process",
  );
  const replica1 = table.add(
    PROCESSES,
    `runtime, concurrency ${CONCURRENCY}, 1 replica`,
    best.rt1,
    `connected first, start included, ${bestOf}`,
  );
  const replica2 = table.add(
    PROCESSES,
    `runtime, concurrency ${CONCURRENCY}, 2 replicas`,
    best.rt2,
    `connected first, start included, ${bestOf}`,
  );
  table.relate(replica2, replica1, "one replica");
  let bull1: Row | undefined;
  if (bull !== undefined) {
    const qC = await bull.queue();
    await bull.addBulk(qC);
    bull1 = table.add(
      PROCESSES,
      `BullMQ Worker, concurrency ${BULL_CONCURRENCY}, 1 process`,
      await bull.workIn(1, qC, BULL_CONCURRENCY),
    );
    table.relate(replica1, bull1, "BullMQ");
  }
  const bull2 = await bullRow(
    PROCESSES,
    `BullMQ Worker, concurrency ${BULL_CONCURRENCY}, 2 processes`,
    (b) => b.workIn(2, qB!, BULL_CONCURRENCY),
  );
  table.relate(bull2, bull1, "one process");
  table.relate(replica2, bull2, "BullMQ");
  await nc.close();
} finally {
  await bull?.close();
  await redis?.stop();
  await nats.stop();
}

table.print(
  `NATS transport (${N} messages, loopback nats-server, ${redis === undefined ? "no redis-server" : "redis-server for BullMQ"}, Node ${process.version})`,
);
if (redis === undefined) {
  console.log(
    "\nBullMQ rows left out: no redis-server at /usr/bin/redis-server (apt-get install -y redis-server).",
  );
}
