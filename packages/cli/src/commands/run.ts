// `workers run <file>`: the system, its dashboard and its HTTP entry point, until SIGINT/SIGTERM;
// then a graceful stop in which nothing is lost: new calls are refused, calls in flight are
// answered, the system drains (`stop()` awaited), and the command exits 0.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { relative } from "node:path";
import { pathToFileURL } from "node:url";
import { type DashboardStats, dashboardHandler } from "@workers/dashboard";
import { startWorkers, type WorkersEvent, type WorkersSystem } from "@workers/runtime";
import { CliError, ExitCode } from "../errors.js";
import type { ResolvedIO } from "../io.js";
import { plural } from "../issues.js";
import { workersApi } from "../run/http-api.js";
import { type NotedEvent, StatsView } from "../run/stats-view.js";
import { runnableDefinition } from "./runnable.js";

/** Options of `workers run`. */
export interface RunOptions {
  readonly port: number;
  readonly host: string;
  /** `stop({ timeoutMs })`. */
  readonly stopTimeoutMs: number;
  /** Default `request` timeout of `POST /request/<worker>`. */
  readonly requestTimeoutMs: number;
}

const MAX_NOTED = 5;

/** Keeps the last few errors and guard warnings for the view, and counts repeats. */
class EventLog {
  readonly noted: NotedEvent[] = [];
  shutdownDrops = 0;
  readonly #print: ((line: string) => void) | undefined;

  constructor(print?: (line: string) => void) {
    this.#print = print;
  }

  emit = (event: WorkersEvent | { type: string }): void => {
    const e = event as WorkersEvent;
    let text: string | undefined;
    if (e.type === "workers.error") text = `error   ${e.workerId}: ${e.message}`;
    else if (e.type === "workers.guard")
      text = `guard   ${e.workerId} blocked the event loop ${e.blockedMs.toFixed(0)} ms`;
    else if (e.type === "workers.drop" && e.reason === "shutdown")
      text = `dropped ${e.channel}: still there at the stop deadline`;
    if (e.type === "workers.stop") this.shutdownDrops = e.shutdownDrops;
    if (text === undefined) return;
    const last = this.noted.at(-1);
    if (last?.text === text) last.count++;
    else {
      this.noted.push({ text, count: 1 });
      if (this.noted.length > MAX_NOTED) this.noted.shift();
      this.#print?.(text);
    }
  };
}

/** Resolves on the first SIGINT/SIGTERM (or abort); calls `onSecond` on the next one. */
function stopSignal(
  io: ResolvedIO,
  onSecond: () => void,
): { stop: Promise<string>; dispose(): void } {
  let stopping = false;
  let resolveStop: (why: string) => void = () => {};
  const stop = new Promise<string>((resolve) => {
    resolveStop = resolve;
  });
  const handle = (why: string): void => {
    if (stopping) {
      onSecond();
      return;
    }
    stopping = true;
    resolveStop(why);
  };
  const onInt = (): void => handle("SIGINT");
  const onTerm = (): void => handle("SIGTERM");
  const onAbort = (): void => handle("abort");
  if (io.signals) {
    process.on("SIGINT", onInt);
    process.on("SIGTERM", onTerm);
  }
  if (io.signal?.aborted) onAbort();
  else io.signal?.addEventListener("abort", onAbort, { once: true });
  return {
    stop,
    dispose() {
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
      io.signal?.removeEventListener("abort", onAbort);
    },
  };
}

/** `workers run <file> [--port 9464] [--host 127.0.0.1]`. */
export async function runCommand(
  file: string,
  options: RunOptions,
  io: ResolvedIO,
): Promise<ExitCode> {
  const check = await runnableDefinition(file, io);
  if (check === undefined) return ExitCode.invalid;
  const shown = relative(io.cwd, check.file) || check.file;
  const view = new StatsView(io.stdout);
  // Off a terminal, errors are printed as they come; on one, the table lists the last few.
  const log = new EventLog(view.tty ? undefined : (line) => io.err(line));

  let system: WorkersSystem<any>;
  try {
    system = await startWorkers(
      check.definition,
      { obs: { emit: log.emit } },
      {
        baseUrl: pathToFileURL(check.file),
      },
    );
  } catch (cause) {
    throw new CliError("ERR_START", `cannot start ${shown}: ${(cause as Error).message}`, {
      cause,
    });
  }

  const api = workersApi(system, { requestTimeoutMs: options.requestTimeoutMs });
  const dashboard = dashboardHandler(system, { title: `workers run ${shown}` });
  const server = createServer((req, res) => api(req, res, () => dashboard(req, res)));
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port, options.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (cause) {
    await system.stop();
    throw new CliError(
      "ERR_LISTEN",
      `cannot listen on ${options.host}:${options.port}: ${(cause as Error).message}`,
      { cause },
    );
  }
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}/`;
  const exposed = Object.values(system.definition.workers)
    .filter((w) => w.expose)
    .map((w) => w.name);
  const d = system.definition;
  io.out(
    `workers: running ${shown} (${plural(Object.keys(d.workers).length, "worker")}, ${plural(Object.keys(d.channels).length, "channel")})`,
  );
  io.out(`  dashboard  ${url}`);
  if (exposed.length > 0) {
    io.out(
      `  commands   POST ${url}command/<worker>, POST ${url}request/<worker> (${exposed.join(", ")})`,
    );
  } else {
    io.out("  commands   none (no worker has expose: true)");
  }
  io.out("  Ctrl-C stops gracefully: calls in flight are answered and the system drains.");

  const header = (): string =>
    `workers run ${shown}  ${url}  ${system.state === "stopping" ? "stopping: draining" : system.state}`;
  const draw = (): void => view.draw(system.stats() as DashboardStats, header(), log.noted);
  const timer = setInterval(draw, 1000);
  draw();

  const signals = stopSignal(io, () => {
    io.err("workers: second signal while stopping: giving up on the drain");
    view.end();
    process.exit(ExitCode.interrupted);
  });
  const why = await signals.stop;
  if (!view.tty) io.out(`workers: ${why}: stopping (new calls refused, draining)`);
  // Refuse new calls and connections first, then let the system drain: the calls in flight
  // settle as their messages end, and are answered before the server closes.
  api.closing = true;
  dashboard.close();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  try {
    await system.stop({ timeoutMs: options.stopTimeoutMs });
  } finally {
    await api.idle();
    server.closeIdleConnections();
    await closed;
    clearInterval(timer);
    draw();
    view.end();
    signals.dispose();
  }
  const stats = system.stats();
  const processed = Object.values(stats.workers).reduce((n, w) => n + w.processed, 0);
  const errors = Object.values(stats.errors).reduce((n, e) => n + e, 0);
  const drops = Object.values(stats.drops).reduce((n, e) => n + e, 0);
  io.out(
    `workers: stopped (${processed} processed, ${plural(errors, "error")}, ${plural(drops, "drop")}${log.shutdownDrops > 0 ? `, ${log.shutdownDrops} at the stop deadline` : ""})`,
  );
  return ExitCode.ok;
}
