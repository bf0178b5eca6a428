// One command: starts a local nats-server on a free loopback port (its own store directory),
// two replica processes sharing one durable input, and a front end that sends requests; kills
// one replica with SIGKILL mid-flight; every request is still answered (the killed replica's
// unacked messages go to the other after ack_wait). Stops everything it started, by PID.

import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { natsTransport } from "@workers/nats";
import { startWorkers, type WorkersSystem } from "@workers/runtime";
import { ACK_WAIT_MS, definition } from "./definition.js";

const NATS_SERVER = process.env.NATS_SERVER ?? "/usr/sbin/nats-server";
const REPLICA = fileURLToPath(new URL("./replica.ts", import.meta.url));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function listening(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = new Socket();
      s.once("connect", () => {
        s.destroy();
        resolve(true);
      });
      s.once("error", () => resolve(false));
      s.connect(port, "127.0.0.1");
    });
    if (ok) return;
    if (child.exitCode !== null) throw new Error(`${NATS_SERVER} exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error("nats-server did not start within 10 s");
    await new Promise((r) => setTimeout(r, 20));
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

function replica(url: string): { child: ChildProcess; ready: Promise<void> } {
  // From source with tsx, as `pnpm start` runs this file (also when a test imports it).
  const child = spawn(
    process.execPath,
    ["--conditions=@workers/source", "--import", "tsx", REPLICA, url],
    { stdio: ["ignore", "pipe", "inherit"], cwd: fileURLToPath(new URL("..", import.meta.url)) },
  );
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.setEncoding("utf8").on("data", (s: string) => {
      if (s.includes("ready")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`replica exited (${code}) before it was ready`)));
  });
  return { child, ready };
}

export interface DemoResult {
  /** Requests answered, by the pid of the replica that ran them. */
  readonly answeredBy: Map<number, number>;
  readonly answered: number;
  readonly sent: number;
  readonly killedPid: number;
}

/** Runs the demo; `log` gets a line at each step. */
export async function runDemo(
  options: { requests?: number; log?: (line: string) => void } = {},
): Promise<DemoResult> {
  const log = options.log ?? (() => {});
  const sent = options.requests ?? 200;
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "workers-replicas-"));
  const url = `nats://127.0.0.1:${port}`;
  const server = spawn(NATS_SERVER, ["-a", "127.0.0.1", "-p", String(port), "-js", "-sd", dir], {
    stdio: "ignore",
  });
  const replicas: ChildProcess[] = [];
  let front: WorkersSystem<any> | undefined;
  try {
    await listening(port, server);
    log(`nats-server pid ${server.pid} on ${url}`);
    const a = replica(url);
    const b = replica(url);
    replicas.push(a.child, b.child);
    await Promise.all([a.ready, b.ready]);
    log(`replicas pid ${a.child.pid} and ${b.child.pid} share one durable input`);
    // The front end only sends: its requests are answered by the replicas.
    front = await startWorkers(
      definition as never,
      { obs: () => {} },
      {
        transports: {
          nats: natsTransport({ servers: url, ackWaitMs: ACK_WAIT_MS, consume: false }),
        },
      },
    );
    const answeredBy = new Map<number, number>();
    let answered = 0;
    const killedPid = a.child.pid!;
    const requests = Array.from({ length: sent }, (_, n) =>
      front!.request("job", n, { timeoutMs: 30_000 }).then((r: { pid: number }) => {
        answeredBy.set(r.pid, (answeredBy.get(r.pid) ?? 0) + 1);
        if (++answered === Math.floor(sent / 4)) {
          log(`${answered} answered: kill -9 ${killedPid} mid-flight`);
          process.kill(killedPid, "SIGKILL");
        }
      }),
    );
    await Promise.all(requests);
    log(`all ${answered} of ${sent} requests answered`);
    for (const [pid, n] of answeredBy) {
      log(`  replica ${pid}${pid === killedPid ? " (killed)" : ""}: ${n}`);
    }
    return { answeredBy, answered, sent, killedPid };
  } finally {
    await front?.stop();
    for (const child of replicas) {
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, "SIGTERM");
    }
    await Promise.all(replicas.map(exited));
    if (server.exitCode === null) process.kill(server.pid!, "SIGTERM");
    await exited(server);
    rmSync(dir, { recursive: true, force: true });
    log("stopped: replicas exited by themselves, nats-server stopped by pid");
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await runDemo({ log: (line) => console.log(line) });
}
