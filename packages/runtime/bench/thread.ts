// Thread dispatch throughput beside raw piscina and raw worker_threads, on the same work:
// 300k trivial messages and 10k ~1 ms CPU messages, up to 1000 in flight, 2 threads.
// Each contender runs in a process of its own (see `compare`) and first runs until warm (its
// code optimized on the main thread and in its threads); then the contenders run interleaved
// in rounds (A B C A B C ...), so a busy machine slows them alike.
import { type ChildProcess, fork } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { Channel } from "@workers/channels";
import { Piscina } from "piscina";
import { createThreadDispatcher } from "../src/dispatch/thread/thread-dispatcher.js";
import type { ThreadTask } from "../src/dispatch/types.js";
import { startWorkers, type WorkersSystem } from "../src/index.js";
import { spin } from "./thread-work.js";

const THREADS = 2;
const IN_FLIGHT = 1000;
const TRIVIAL = 300_000;
const CPU = 10_000;
const BATCH = 100;
const ROUNDS = 5;
/**
 * Warm-up per contender: at least WARM_MS of running, in chunks of `warmChunk` messages, and at
 * most WARM_MAX messages. A trivial row needs a few hundred thousand messages before its rate
 * stops climbing (measured: the system rows double from their first 100k to their sixth);
 * a warm-up of a few thousand measured mostly the optimizing compiler.
 */
const WARM_MS = 1500;
const WARM_MAX = 600_000;
const WARM_CHUNK = 20_000;
/** A ~1 ms message is mostly work: a chunk of 1000 (about half a second on 2 threads). */
const WARM_CHUNK_CPU = 1000;

const workUrl = new URL("./thread-work.ts", import.meta.url).href;
const workFile = fileURLToPath(workUrl);
// The bench runs from source: threads need tsx's ESM hooks, registered through its API
// because Node 20's threads ignore `--import tsx`.
const tsxHooks = [
  "--import",
  `data:text/javascript,import{register}from${JSON.stringify(import.meta.resolve("tsx/esm/api"))};register()`,
];
const execArgv = [...process.execArgv, ...tsxHooks];

type Kind = "trivial" | "cpu";

/** A contender: sends the messages `[i, i + size)` and resolves when they are done. */
interface Contender {
  readonly name: string;
  readonly size: number;
  send(i: number): Promise<unknown>;
  close(): Promise<void>;
}

interface Elapsed {
  readonly ms: number;
  /** CPU time of the whole process (main thread and every thread), in microseconds. */
  readonly cpuUs: number;
  /** CPU time of the main thread alone, in microseconds (NaN where it cannot be read). */
  readonly mainUs: number;
}

/**
 * CPU time of the main thread so far (us): `process.threadCpuUsage` (Node 23.9+), else Linux's
 * scheduler figure for the thread, else NaN. On a shared machine it moves far less than the
 * wall clock, and the main thread is what a batch row spends most of its time in.
 */
function mainThreadUs(): number {
  const own = (process as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage;
  if (own !== undefined) {
    const used = own.call(process);
    return used.user + used.system;
  }
  try {
    const sched = readFileSync(`/proc/self/task/${process.pid}/sched`, "utf8");
    const ms = /se\.sum_exec_runtime\s*:\s*([\d.]+)/.exec(sched)?.[1];
    return ms === undefined ? Number.NaN : Number(ms) * 1000;
  } catch {
    return Number.NaN;
  }
}

/** Keeps `IN_FLIGHT` messages outstanding until `total` are done. */
async function drive(c: Contender, total: number): Promise<Elapsed> {
  const cpu = process.cpuUsage();
  const main = mainThreadUs();
  const started = performance.now();
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < total) {
      const i = next;
      next += c.size;
      await c.send(i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.floor(IN_FLIGHT / c.size)) }, lane));
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { ms, cpuUs: used.user + used.system, mainUs: mainThreadUs() - main };
}

/** Iterations of `spin` that take about 1 ms here. */
function calibrate(): number {
  let best = 0;
  for (let trial = 0; trial < 10; trial++) {
    const t = performance.now();
    spin(2_000_000);
    best = Math.max(best, 2_000_000 / (performance.now() - t));
  }
  return Math.round(best);
}

/** `[i, i + size)`. A loop, not `Array.from({ length })`, whose property lookups the batch rows would pay. */
function range(i: number, size: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < size; k++) out.push(i + k);
  return out;
}

function rawWorkerThreads(kind: Kind, size: number, iters: number): Contender {
  const workers = Array.from(
    { length: THREADS },
    () => new Worker(workFile, { execArgv, env: { ...process.env, WORKERS_BENCH_RAW: "1" } }),
  );
  const waiting = new Map<number, () => void>();
  for (const w of workers) {
    w.on("message", ([id]: [number]) => {
      const done = waiting.get(id);
      waiting.delete(id);
      done?.();
    });
  }
  let id = 0;
  let rr = 0;
  return {
    name: size > 1 ? `raw worker_threads, batches of ${size}` : "raw worker_threads postMessage",
    size,
    send: (i) =>
      new Promise<void>((resolve) => {
        const n = ++id;
        waiting.set(n, resolve);
        const w = workers[rr++ % THREADS] as Worker;
        if (size > 1) w.postMessage([n, 2, range(i, size)]);
        else if (kind === "cpu") w.postMessage([n, 1, iters]);
        else w.postMessage([n, 0, i]);
      }),
    close: async () => {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

/**
 * Raw piscina under the system rows' harness: each message is sent on its own and its lane
 * waits for its own result (a promise and a map entry per message, as the `startWorkers
 * command()` rows pay), while the messages travel `size` to a pool task, like a batch worker's.
 * A partial batch goes once the messages sent in the same turn are in (`maxWaitMs: 0`).
 */
function rawPiscinaPerMessage(size: number): Contender {
  const pool = new Piscina({
    filename: workUrl,
    minThreads: THREADS,
    maxThreads: THREADS,
    execArgv,
  });
  const waiting = new Map<number, () => void>();
  let batch: number[] = [];
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (batch.length === 0) return;
    const msgs = batch;
    batch = [];
    void pool.run(msgs, { name: "rawTrivialBatch" }).then((out: number[]) => {
      for (const v of out) {
        const done = waiting.get(v);
        waiting.delete(v);
        done?.();
      }
    });
  };
  return {
    name: `raw piscina, batches of ${size}, a promise per message`,
    size: 1,
    send: (i) => {
      const done = new Promise<void>((resolve) => waiting.set(i, resolve));
      batch.push(i);
      if (batch.length >= size) flush();
      else if (!scheduled) {
        scheduled = true;
        queueMicrotask(flush);
      }
      return done;
    },
    close: () => pool.destroy(),
  };
}

function rawPiscina(kind: Kind, size: number, iters: number): Contender {
  const pool = new Piscina({
    filename: workUrl,
    minThreads: THREADS,
    maxThreads: THREADS,
    execArgv,
  });
  return {
    name: size > 1 ? `raw piscina, batches of ${size}` : "raw piscina (defaults)",
    size,
    send:
      size > 1
        ? (i) => pool.run(range(i, size), { name: "rawTrivialBatch" })
        : kind === "cpu"
          ? () => pool.run(iters, { name: "rawCpu" })
          : (i) => pool.run(i, { name: "rawTrivial" }),
    close: () => pool.destroy(),
  };
}

function dispatcher(kind: Kind, size: number, iters: number): Contender {
  const d = createThreadDispatcher({
    threads: { min: THREADS, max: THREADS, execArgv: tsxHooks },
    channelOp: () => Promise.resolve(true),
  });
  const ref = { url: workUrl, exportName: kind };
  const worker = { name: kind, kind: "command", dispatch: "thread", in: `${kind}/in` } as const;
  const signal = new AbortController().signal;
  const headers = {};
  let ids = 0;
  // What a worker loop hands over for each message: like the runtime's, its id is built only
  // when read (the pool reads it only when a setup module is configured).
  class Task implements ThreadTask {
    readonly worker = worker;
    readonly ref = ref;
    readonly headers = headers;
    readonly signal = signal;
    #id: string | undefined = undefined;
    constructor(readonly body: number) {}
    get messageId(): string {
      this.#id ??= String(++ids);
      return this.#id;
    }
  }
  const task = (body: number): ThreadTask => new Task(body);
  return {
    name: size > 1 ? `thread dispatcher runBatch(${size})` : "thread dispatcher run() (defaults)",
    size,
    send:
      size > 1
        ? (i) => d.runBatch(range(i, size).map(task))
        : kind === "cpu"
          ? () => d.run(task(iters))
          : (i) => d.run(task(i)),
    close: () => d.close(),
  };
}

/** A system with one thread worker, `bench`, batched when `size` > 1. */
function benchSystem(kind: Kind, size: number, via: "request" | "command"): Promise<WorkersSystem> {
  const batch = size > 1 ? { batch: { size, maxWaitMs: 0 } } : {};
  return startWorkers(
    {
      channels: { "bench/in": { buffer: IN_FLIGHT }, "bench/out": { buffer: IN_FLIGHT } },
      workers: {
        bench: {
          kind: "command",
          in: "bench/in",
          workerFn: `./thread-work.ts#${kind}`,
          dispatch: "thread",
          expose: true,
          concurrency: size > 1 ? Math.ceil(IN_FLIGHT / size) : IN_FLIGHT,
          ...(via === "command" ? { outputChan: "bench/out" } : {}),
          ...batch,
        },
      },
    },
    {},
    { threads: { min: THREADS, max: THREADS, execArgv: tsxHooks }, baseUrl: import.meta.url },
  );
}

/** Hands `each` every value that reaches the system's output channel, until it closes. */
async function eachOutput(
  started: Promise<WorkersSystem>,
  each: (v: number) => void,
): Promise<void> {
  const out = (await started).channels["bench/out"] as Channel<number>;
  for (;;) {
    const v = out.poll() ?? (await out.take());
    if (v === undefined) return;
    each(v);
  }
}

/**
 * The whole runtime with a thread worker (optionally batched): `request()` per message, or
 * `command()` (fire-and-forget) with each result counted as it reaches the output channel.
 */
function system(kind: Kind, size: number, iters: number, via: "request" | "command"): Contender {
  const started = benchSystem(kind, size, via);
  // Once started, messages go to the system itself: awaiting the start promise again for each
  // message would charge the system a microtask turn that is the harness's.
  let ready: WorkersSystem | undefined;
  void started.then((s) => {
    ready = s;
  });
  const body = kind === "cpu" ? () => iters : (i: number) => i;
  const name = `startWorkers ${via}()${size > 1 ? `, batch ${size}` : ""}`;
  if (via === "request") {
    return {
      name,
      size: 1,
      send: (i) =>
        ready === undefined
          ? started.then((s) => s.request("bench", body(i)))
          : ready.request("bench", body(i)),
      close: async () => (await started).stop(),
    };
  }
  // Each lane waits for its own message's result (a trivial worker echoes the message; a CPU
  // message is tagged by the lane's next slot in a FIFO, results of equal cost arriving in order).
  const waiting = new Map<number, () => void>();
  const fifo: (() => void)[] = [];
  let fifoHead = 0;
  let consuming = false;
  const consume = (): Promise<void> =>
    eachOutput(started, (v) => {
      if (kind === "cpu") {
        const done = fifo[fifoHead];
        fifo[fifoHead++] = undefined as never;
        if (fifoHead > 4096 && fifoHead * 2 > fifo.length) {
          fifo.splice(0, fifoHead);
          fifoHead = 0;
        }
        done?.();
      } else {
        const done = waiting.get(v);
        waiting.delete(v);
        done?.();
      }
    });
  return {
    name,
    size: 1,
    send: async (i) => {
      const sys = ready ?? (await started);
      if (!consuming) {
        consuming = true;
        void consume();
      }
      const done = new Promise<void>((resolve) => {
        if (kind === "cpu") fifo.push(resolve);
        else waiting.set(i, resolve);
      });
      await sys.command("bench", body(i));
      await done;
    },
    close: async () => (await started).stop(),
  };
}

/**
 * A batch worker fed the way the raw batch rows are: each lane sends `size` messages (a
 * `command()` each, in one synchronous loop) and waits until their `size` results reached the
 * output channel: one wait per `size` messages, as `pool.run` of an array of `size` is.
 */
function systemInGroups(size: number): Contender {
  const started = benchSystem("trivial", size, "command");
  let ready: WorkersSystem | undefined;
  void started.then((s) => {
    ready = s;
  });
  // Per group in flight (by its first message / size, modulo the ring): results still to
  // come, and its lane's wake-up. At most IN_FLIGHT / size groups are in flight.
  const RING = 1024;
  const left = new Int32Array(RING);
  const wake: ((() => void) | undefined)[] = [];
  for (let k = 0; k < RING; k++) wake.push(undefined);
  let consuming = false;
  const consume = (): Promise<void> =>
    eachOutput(started, (v) => {
      const g = Math.floor(v / size) % RING;
      if (--(left[g] as number) === 0) {
        const done = wake[g];
        wake[g] = undefined;
        done?.();
      }
    });
  return {
    name: `startWorkers command(), batch ${size}, ${size} commands per wait`,
    size,
    send: async (i) => {
      const sys = ready ?? (await started);
      if (!consuming) {
        consuming = true;
        void consume();
      }
      const g = Math.floor(i / size) % RING;
      left[g] = size;
      const done = new Promise<void>((resolve) => {
        wake[g] = resolve;
      });
      // In the default `async` put mode a command is accepted or refused at once, and only a
      // closed input refuses (it stays closed): the last one accepted, all were. One that
      // rejects (the pending-put limit) is left unhandled, which ends the benchmark loudly.
      for (let k = 0; k < size - 1; k++) void sys.command("bench", i + k);
      if (!(await sys.command("bench", i + size - 1))) throw new Error("a command was refused");
      await done;
    },
    close: async () => (await started).stop(),
  };
}

interface Row {
  readonly work: string;
  readonly contender: string;
  readonly rate: number;
  readonly baseline: number;
  readonly cpuUsPerMsg: number;
  readonly mainUsPerMsg: number;
}

/** How a contender is built: what its process is told. */
type Spec =
  | readonly ["rawPiscina" | "rawWorkerThreads" | "dispatcher", Kind, number]
  | readonly ["perMessage" | "groups", number]
  | readonly ["system", Kind, number, "request" | "command"];

function build(spec: Spec, iters: number): Contender {
  switch (spec[0]) {
    case "rawPiscina":
      return rawPiscina(spec[1], spec[2], iters);
    case "rawWorkerThreads":
      return rawWorkerThreads(spec[1], spec[2], iters);
    case "dispatcher":
      return dispatcher(spec[1], spec[2], iters);
    case "perMessage":
      return rawPiscinaPerMessage(spec[1]);
    case "groups":
      return systemInGroups(spec[1]);
    case "system":
      return system(spec[1], spec[2], iters, spec[3]);
  }
}

/** A request to a contender's process, and its answers. */
type Order =
  | { readonly op: "warm"; readonly chunk: number }
  | { readonly op: "round"; readonly total: number }
  | { readonly op: "close" };
type Answer = { readonly name: string } | Elapsed | { readonly closed: true };

/** A contender in a process of its own, answering one order at a time. */
class Remote {
  readonly #child: ChildProcess;
  #answer: ((a: Answer) => void) | undefined;

  constructor(spec: Spec, iters: number) {
    this.#child = fork(fileURLToPath(import.meta.url), [], {
      execArgv: process.execArgv,
      env: {
        ...process.env,
        WORKERS_BENCH_CONTENDER: JSON.stringify(spec),
        WORKERS_BENCH_ITERS: String(iters),
      },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    this.#child.on("message", (a: Answer) => this.#answer?.(a));
    this.#child.on("exit", (code) => {
      if (code !== 0)
        throw new Error(`the process of contender ${JSON.stringify(spec)} exited with ${code}`);
    });
  }

  ask<A extends Answer>(order: Order | undefined): Promise<A> {
    return new Promise((resolve) => {
      this.#answer = resolve as (a: Answer) => void;
      if (order !== undefined) this.#child.send(order);
    });
  }
}

/** The contender's side of `Remote` (the process runs this module with its spec). */
async function serve(spec: Spec, iters: number): Promise<void> {
  const c = build(spec, iters);
  const send = (a: Answer): Promise<void> =>
    new Promise((resolve) => process.send?.(a, () => resolve()));
  process.on("message", async (order: Order) => {
    if (order.op === "warm") {
      const started = performance.now();
      let sent = 0;
      do {
        await drive(c, order.chunk);
        sent += order.chunk;
      } while (performance.now() - started < WARM_MS && sent < WARM_MAX);
      await send({ name: c.name });
    } else if (order.op === "round") {
      await send(await drive(c, order.total));
    } else {
      await c.close();
      await send({ closed: true });
      process.exit(0);
    }
  });
  await send({ name: c.name });
}

/**
 * Runs `total` messages through each contender, interleaved in rounds; one row each. Every
 * contender has a process of its own: in one process, a contender runs on what the others
 * taught the optimizing compiler and the GC about the code they share (piscina, promises,
 * message ports). A raw piscina pool used and closed before a system started measured to
 * halve that system's rate (3.2M messages/s alone, 1.2-1.7M after), and running the contenders
 * in one process ranked them by the order they ran in.
 */
async function compare(
  work: string,
  total: number,
  warmChunk: number,
  iters: number,
  specs: readonly Spec[],
): Promise<Row[]> {
  const chunk = Math.min(total, warmChunk);
  const remotes: Remote[] = [];
  const names: string[] = [];
  // One at a time: started, then warmed while the others wait.
  for (const spec of specs) {
    const remote = new Remote(spec, iters);
    await remote.ask(undefined);
    names.push((await remote.ask<{ name: string }>({ op: "warm", chunk })).name);
    remotes.push(remote);
  }
  const elapsed = remotes.map(() => ({ ms: 0, cpuUs: 0, mainUs: 0 }));
  for (let r = 0; r < ROUNDS; r++) {
    for (const [k, remote] of remotes.entries()) {
      const round = await remote.ask<Elapsed>({ op: "round", total: total / ROUNDS });
      const sum = elapsed[k] as { ms: number; cpuUs: number; mainUs: number };
      sum.ms += round.ms;
      sum.cpuUs += round.cpuUs;
      sum.mainUs += round.mainUs;
    }
  }
  for (const remote of remotes) await remote.ask({ op: "close" });
  const rates = elapsed.map((e) => total / (e.ms / 1000));
  const baseline = rates[0] as number;
  return names.map((name, k) => ({
    work,
    contender: name,
    rate: rates[k] as number,
    baseline,
    cpuUsPerMsg: (elapsed[k] as { cpuUs: number }).cpuUs / total,
    mainUsPerMsg: (elapsed[k] as { mainUs: number }).mainUs / total,
  }));
}

function table(rows: readonly Row[]): string {
  const lines = [
    "| work | contender | msgs/s | vs raw piscina (defaults) | CPU us/msg (all threads) | CPU us/msg (main thread) |",
    "| --- | --- | ---: | ---: | ---: | ---: |",
  ];
  for (const r of rows) {
    const rate = Math.round(r.rate).toLocaleString("en-US");
    const ratio = (r.rate / r.baseline).toFixed(2);
    const main = Number.isNaN(r.mainUsPerMsg) ? "n/a" : r.mainUsPerMsg.toFixed(2);
    lines.push(
      `| ${r.work} | ${r.contender} | ${rate} | ${ratio}x | ${r.cpuUsPerMsg.toFixed(1)} | ${main} |`,
    );
  }
  return lines.join("\n");
}

/**
 * Runs the thread benchmark and prints a markdown table (`WORKERS_BENCH_ONLY=trivial|cpu`
 * runs one half).
 */
export async function run(): Promise<void> {
  const iters = calibrate();
  const only = process.env.WORKERS_BENCH_ONLY;
  const rows: Row[] = [];
  if (only !== "cpu") {
    rows.push(
      ...(await compare(`${TRIVIAL / 1000}k trivial`, TRIVIAL, WARM_CHUNK, iters, [
        ["rawPiscina", "trivial", 1],
        ["rawWorkerThreads", "trivial", 1],
        ["dispatcher", "trivial", 1],
        ["rawPiscina", "trivial", BATCH],
        ["perMessage", BATCH],
        ["rawWorkerThreads", "trivial", BATCH],
        ["dispatcher", "trivial", BATCH],
        ["system", "trivial", 1, "command"],
        ["system", "trivial", 1, "request"],
        ["system", "trivial", BATCH, "command"],
        ["system", "trivial", BATCH, "request"],
        ["groups", BATCH],
      ])),
    );
  }
  if (only !== "trivial") {
    rows.push(
      ...(await compare(`${CPU / 1000}k CPU ~1 ms`, CPU, WARM_CHUNK_CPU, iters, [
        ["rawPiscina", "cpu", 1],
        ["rawWorkerThreads", "cpu", 1],
        ["dispatcher", "cpu", 1],
        ["system", "cpu", 1, "command"],
        ["system", "cpu", 1, "request"],
      ])),
    );
  }
  console.log(`\nthread dispatch: ${THREADS} threads, up to ${IN_FLIGHT} in flight\n`);
  console.log(table(rows));
  const batched = targets(rows);
  if (batched !== "") console.log(`\n${batched}`);
}

/**
 * The batch rows against both raw piscina batch rows: the plain one (one promise per batch)
 * and the one that pays the system rows' harness (a promise and a map entry per message).
 */
function targets(rows: readonly Row[]): string {
  const rate = (name: string): number | undefined => rows.find((r) => r.contender === name)?.rate;
  const plain = rate(`raw piscina, batches of ${BATCH}`);
  const perMessage = rate(`raw piscina, batches of ${BATCH}, a promise per message`);
  if (plain === undefined || perMessage === undefined) return "";
  const lines = [
    `| batch ${BATCH} row | vs raw piscina, batches of ${BATCH} | vs the same, a promise per message |`,
    "| --- | ---: | ---: |",
  ];
  for (const name of [
    `thread dispatcher runBatch(${BATCH})`,
    `startWorkers command(), batch ${BATCH}`,
    `startWorkers request(), batch ${BATCH}`,
    `startWorkers command(), batch ${BATCH}, ${BATCH} commands per wait`,
  ]) {
    const r = rate(name);
    if (r === undefined) continue;
    lines.push(`| ${name} | ${(r / plain).toFixed(2)}x | ${(r / perMessage).toFixed(2)}x |`);
  }
  return lines.join("\n");
}

const contender = process.env.WORKERS_BENCH_CONTENDER;
if (contender !== undefined) {
  await serve(JSON.parse(contender) as Spec, Number(process.env.WORKERS_BENCH_ITERS));
} else if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await run();
}
