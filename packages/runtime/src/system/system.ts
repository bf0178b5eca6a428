// Wiring and start: opens the channels in their transports, loads thread modules, builds the
// workers (each with its executor), starts them, and returns the public `WorkersSystem`.

import type { Channel } from "@workers/channels";
import type { NormalizedDefinition } from "@workers/config";
import { loadThreadDispatcher } from "../dispatch/thread-loader.js";
import type { ModuleRef, ThreadDispatcher } from "../dispatch/types.js";
import { InvalidArgumentError, UnknownChannelError } from "../errors.js";
import { Rates } from "../observability/rates.js";
import { snapshot } from "../observability/stats.js";
import type {
  CommandOptions,
  Components,
  RequestOptions,
  StartOptions,
  StatsSnapshot,
  StopOptions,
  WorkersSystem,
} from "../types.js";
import { CommandWorker } from "../workers/command-worker.js";
import { TickerWorker } from "../workers/ticker-worker.js";
import type { Worker } from "../workers/worker.js";
import { durationMs, optionsObject } from "./arguments.js";
import { SystemCore } from "./core.js";
import { Entry } from "./entry.js";
import { eventStream } from "./event-stream.js";
import { Quiescence } from "./quiescence.js";
import { type ShutdownParts, shutdown } from "./shutdown.js";

/** The modules of thread workers, each once. */
function threadModules(definition: NormalizedDefinition): ModuleRef[] {
  const refs = new Map<string, ModuleRef>();
  for (const def of Object.values(definition.workers)) {
    if (def.dispatch !== "thread") continue;
    const ref = def.workerRef;
    if (ref === undefined) {
      throw new TypeError(
        `Worker "${def.name}" has dispatch: "thread" but no module reference ("specifier#export")`,
      );
    }
    refs.set(`${ref.url}#${ref.exportName}`, { url: ref.url, exportName: ref.exportName });
  }
  return [...refs.values()];
}

/** The running system behind the public object. */
class Running {
  readonly core: SystemCore;
  readonly commandWorkers: CommandWorker[] = [];
  readonly tickers: TickerWorker[] = [];
  readonly workers: Worker[] = [];
  dispatcher: ThreadDispatcher | undefined = undefined;
  entry: Entry | undefined = undefined;
  readonly quiescence: Quiescence;
  announced = false;
  private readonly startedAt = performance.now();
  private readonly rates: Rates = new Rates(this.startedAt);
  private stopPromise: Promise<void> | undefined = undefined;

  constructor(definition: NormalizedDefinition, components: Components, options: StartOptions) {
    this.core = new SystemCore(definition, components, options);
    this.core.stats = () => this.stats();
    this.quiescence = new Quiescence(this.core, this.commandWorkers, this.workers);
  }

  async start(options: StartOptions): Promise<void> {
    const core = this.core;
    const definition = core.definition;
    await core.openChannels(options.transports);
    const refs = threadModules(definition);
    if (refs.length > 0) {
      const create = await loadThreadDispatcher();
      this.dispatcher = create({
        threads: options.threads ?? {},
        channelOp: core.channelOp,
        captureContext: core.instrumented,
      });
      await this.dispatcher.load(refs);
    }
    const deps = { host: core, dispatcher: this.dispatcher, guard: core.guard };
    const exposed = new Set<string>();
    for (const def of Object.values(definition.workers)) {
      if (def.kind === "command" && def.in !== undefined) {
        const input = core.transportChannels.get(def.in);
        if (input === undefined) throw new UnknownChannelError(def.in);
        const worker = new CommandWorker(
          core,
          def,
          deps,
          input,
          definition.channels[def.in]?.putMode ?? "async",
        );
        this.commandWorkers.push(worker);
        this.workers.push(worker);
        if (def.expose) exposed.add(def.name);
      } else if (def.kind === "ticker") {
        const ticker = new TickerWorker(core, def, deps);
        this.tickers.push(ticker);
        this.workers.push(ticker);
      }
    }
    this.entry = new Entry(core, this.commandWorkers, exposed);
    if (core.phase !== "starting") return;
    core.guard?.enable();
    if (options.paused === true) for (const worker of this.workers) worker.pause();
    for (const worker of this.commandWorkers) worker.start();
    for (const ticker of this.tickers) ticker.start();
    core.phase = "running";
  }

  /** The workers `pause`/`resume` act on: one by name, or every one. */
  select(what: string, worker: string | undefined): readonly Worker[] {
    if (worker === undefined) return this.workers;
    const found = this.workers.find((w) => w.name === worker);
    if (found === undefined) {
      throw new InvalidArgumentError(
        `${what} worker`,
        `one of ${this.workers.map((w) => JSON.stringify(w.name)).join(", ")}`,
        worker,
      );
    }
    return [found];
  }

  stats(): StatsSnapshot {
    return snapshot(
      this.workers,
      this.core.transportChannels,
      this.core.dropCounts,
      this.startedAt,
      this.dispatcher,
      this.rates.rates(performance.now(), this.counts()),
    );
  }

  /** The cumulative counts rates come from: messages ended per worker, moved per channel. */
  private counts(): Map<string, number> {
    const counts = new Map<string, number>();
    const core = this.core;
    for (const name of core.transportChannels.keys()) {
      counts.set(`c:${name}`, core.delivered.get(name) ?? 0);
    }
    const add = (channel: string | undefined, n: number): void => {
      if (channel === undefined) return;
      const key = `c:${channel}`;
      counts.set(key, (counts.get(key) ?? 0) + n);
    };
    for (const w of this.workers) {
      counts.set(`w:${w.name}`, w.processed + w.errors);
      add(w.outcomes.outputChan, w.outcomes.outputs);
      add(w.inChannel, w.processed + w.errors + w.inFlight);
    }
    return counts;
  }

  stop(options?: StopOptions): Promise<void> {
    if (this.stopPromise === undefined) {
      let drain: boolean;
      let timeoutMs: number;
      try {
        const o = optionsObject<StopOptions>("stop options", options) ?? {};
        if (o.drain !== undefined && typeof o.drain !== "boolean") {
          throw new InvalidArgumentError("stop options.drain", "a boolean", o.drain);
        }
        drain = o.drain ?? true;
        timeoutMs =
          durationMs("stop options.timeoutMs", o.timeoutMs, { infinite: true, zero: true }) ??
          30_000;
      } catch (error) {
        return Promise.reject(error);
      }
      const parts: ShutdownParts = {
        core: this.core,
        quiescence: this.quiescence,
        commandWorkers: this.commandWorkers,
        tickers: this.tickers,
        workers: this.workers,
        dispatcher: this.dispatcher,
        announced: this.announced,
      };
      this.stopPromise = shutdown(parts, drain, timeoutMs);
    }
    return this.stopPromise;
  }
}

/** What `startWorkers` returns: the documented `WorkersSystem`, nothing else. */
class PublicSystem implements WorkersSystem<any> {
  readonly #running: Running;
  readonly #entry: Entry;
  readonly channels: Readonly<Record<string, Channel<unknown>>>;
  readonly definition: NormalizedDefinition;

  constructor(running: Running, entry: Entry) {
    this.#running = running;
    this.#entry = entry;
    this.channels = running.core.channels;
    this.definition = running.core.definition;
  }

  get state(): "running" | "stopping" | "stopped" {
    const phase = this.#running.core.phase;
    return phase === "starting" ? "running" : phase;
  }

  command(worker: string, msg: unknown, options?: CommandOptions): Promise<boolean> {
    return this.#entry.command(worker, msg, options);
  }

  request(worker: string, msg: unknown, options?: RequestOptions): Promise<any> {
    return this.#entry.request(worker, msg, options);
  }

  stats(): StatsSnapshot {
    return this.#running.stats();
  }

  onIdle(): Promise<void> {
    return this.#running.quiescence.wait(undefined, true).then(() => undefined);
  }

  pause(worker?: string): void {
    for (const w of this.#running.select("pause", worker)) w.pause();
  }

  resume(worker?: string): void {
    for (const w of this.#running.select("resume", worker)) w.resume();
  }

  onEvent(type?: string): AsyncIterableIterator<any> {
    if (type !== undefined && typeof type !== "string") {
      throw new InvalidArgumentError("onEvent type", "an event type string", type);
    }
    return eventStream(this.#running.core, type);
  }

  stop(options?: StopOptions): Promise<void> {
    return this.#running.stop(options);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.#running.stop();
  }
}

/** Builds and starts a system from a normalized definition; all-or-nothing. */
export async function createSystem(
  definition: NormalizedDefinition,
  components: Components,
  options: StartOptions,
): Promise<WorkersSystem<any>> {
  const running = new Running(definition, components, options);
  const core = running.core;
  let system: PublicSystem;
  try {
    await running.start(options);
    system = new PublicSystem(running, running.entry!);
    // A throw fails the start (all-or-nothing).
    core.obs.attach?.(system);
  } catch (error) {
    await running.stop({ drain: false, timeoutMs: 0 }).catch(() => {});
    throw error;
  }
  running.announced = true;
  core.obs.emit({
    type: "workers.start",
    workers: running.workers.map((w) => w.name),
    channels: Object.keys(core.channels),
    at: Date.now(),
  });
  return system;
}
