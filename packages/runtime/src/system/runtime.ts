// The running system: channels, worker loops, command/request, accounting and stop.

import { type Channel, chan } from "@workers/channels";
import type { NormalizedDefinition } from "@workers/config";
import { loadThreadDispatcher } from "../dispatch/thread-loader.js";
import type { ChannelOp, ModuleRef, ThreadDispatcher } from "../dispatch/types.js";
import {
  DroppedError,
  InvalidArgumentError,
  InvalidMessageError,
  NotExposedError,
  StoppedError,
  TimeoutError,
  UnknownChannelError,
} from "../errors.js";
import { DevGuard } from "../observability/dev-guard.js";
import { errorEvent, guardEvent } from "../observability/events.js";
import {
  type ResolvedObservability,
  resolveObservability,
} from "../observability/observability.js";
import { snapshot } from "../observability/stats.js";
import { ChannelFacade } from "../transport/channel-facade.js";
import type {
  Components,
  CustomEvent,
  DropEventReason,
  Headers,
  RequestOptions,
  StartOptions,
  StatsSnapshot,
  StopOptions,
  WorkersEvent,
  WorkersSystem,
} from "../types.js";
import { CommandWorker, PUT_ASYNC, PUT_BLOCK } from "../workers/command-worker.js";
import { TickerWorker } from "../workers/ticker-worker.js";
import type { Job, WorkerRunner } from "../workers/worker-runner.js";
import { abortSignal, durationMs, optionsObject } from "./arguments.js";
import { EMPTY_HEADERS, epochNow, isThenable, MessageEnvelope } from "./envelope.js";
import { PendingRequest } from "./pending-request.js";
import { watchSignal } from "./signal-requests.js";

/** How long `stop` waits for aborted work to settle before reporting it. */
export const ABORT_GRACE_MS = 100;

const TRUE: Promise<boolean> = Promise.resolve(true);
const FALSE: Promise<boolean> = Promise.resolve(false);

/**
 * Whether a message can travel without an envelope: nothing on its way may misread it. A
 * thenable is refused by channels (`ERR_THENABLE`), and an envelope would be taken for one.
 */
function travelsBare(msg: unknown): boolean {
  if (msg === null || (typeof msg !== "object" && typeof msg !== "function")) return true;
  return !isThenable(msg) && !(msg instanceof MessageEnvelope);
}

export class Runtime implements WorkersSystem<any> {
  readonly definition: NormalizedDefinition;
  readonly components: Components;
  readonly channels: Record<string, Channel<unknown>>;
  readonly obs: ResolvedObservability;
  /** Whether the observability component has `inject` or `around` (envelopes then matter). */
  private readonly instrumented: boolean;
  readonly guard: DevGuard | undefined;
  dispatcher: ThreadDispatcher | undefined = undefined;
  readonly statsFn: () => StatsSnapshot = () => this.stats();
  readonly emitFn: (event: WorkersEvent | CustomEvent) => void;

  private readonly commandWorkers: CommandWorker[] = [];
  private readonly tickers: TickerWorker[] = [];
  private readonly runners: WorkerRunner[] = [];
  private readonly exposed = new Map<string, CommandWorker>();
  /** Input channel name -> the worker reading it. */
  private readonly inputOwner = new Map<string, CommandWorker>();
  private lastTarget: CommandWorker | undefined = undefined;
  private lastTargetName: string | undefined = undefined;
  /** Drops per channel (a user's names: no prototype). */
  private readonly dropCounts: Record<string, number> = Object.create(null);
  private readonly stopController = new AbortController();
  /** `ctx.signal` of messages without their own (read once: the getter is not free). */
  readonly stopSignal: AbortSignal = this.stopController.signal;
  private readonly startedAt = performance.now();
  private phase: "starting" | "running" | "stopping" | "stopped" = "starting";
  private stopPromise: Promise<void> | undefined = undefined;
  private onQuiescent: (() => void) | undefined = undefined;
  private pendingOps = 0;
  private shutdownDrops = 0;
  private announced = false;

  constructor(definition: NormalizedDefinition, components: Components, options: StartOptions) {
    this.definition = definition;
    this.components = components;
    this.obs = resolveObservability(components);
    this.emitFn = this.obs.emit;
    this.instrumented = this.obs.inject !== undefined || this.obs.around !== undefined;
    const guardMs = durationMs("startWorkers options.guardMs", options.guardMs) ?? 50;
    this.guard =
      options.devGuard === true
        ? new DevGuard(guardMs, (workerId, blockedMs, msg) =>
            this.obs.emit(guardEvent(workerId, blockedMs, msg)),
          )
        : undefined;

    // Keyed by the user's names: no inherited members (`toString`, `__proto__`).
    const channels: Record<string, Channel<unknown>> = Object.create(null);
    for (const [name, spec] of Object.entries(definition.channels)) {
      this.dropCounts[name] = 0;
      channels[name] = chan<unknown>({
        buffer: spec.buffer,
        bufferType: spec.bufferType,
        onDrop: (value, reason) => this.onBufferDrop(name, value, reason),
      });
    }
    this.channels = channels;

    for (const def of Object.values(definition.workers)) {
      if (def.kind === "command" && def.in !== undefined) {
        const ch = channels[def.in];
        if (ch === undefined) throw new UnknownChannelError(def.in);
        const worker = new CommandWorker(
          this,
          def,
          ch,
          definition.channels[def.in]?.putMode ?? "async",
        );
        this.commandWorkers.push(worker);
        this.runners.push(worker);
        this.inputOwner.set(def.in, worker);
        if (def.expose) this.exposed.set(def.name, worker);
      } else if (def.kind === "ticker") {
        const ticker = new TickerWorker(this, def);
        this.tickers.push(ticker);
        this.runners.push(ticker);
      }
    }
  }

  get state(): "running" | "stopping" | "stopped" {
    return this.phase === "starting" ? "running" : this.phase;
  }

  // ---- start ----

  async start(options: StartOptions): Promise<void> {
    const threadRefs: ModuleRef[] = [];
    const seen = new Set<string>();
    for (const runner of this.runners) {
      if (!runner.thread) continue;
      const ref = runner.ref;
      if (ref === undefined) {
        throw new TypeError(
          `Worker "${runner.name}" has dispatch: "thread" but no module reference ("specifier#export")`,
        );
      }
      const key = `${ref.url}#${ref.exportName}`;
      if (!seen.has(key)) {
        seen.add(key);
        threadRefs.push({ url: ref.url, exportName: ref.exportName });
      }
    }
    if (threadRefs.length > 0) {
      const create = await loadThreadDispatcher();
      this.dispatcher = create({
        threads: options.threads ?? {},
        channelOp: this.channelOp,
        captureContext: this.instrumented,
      });
      await this.dispatcher.load(threadRefs);
    }
    if (this.phase !== "starting") return;
    this.guard?.enable();
    for (const worker of this.commandWorkers) worker.start();
    for (const ticker of this.tickers) ticker.start();
    this.phase = "running";
    this.obs.attach?.(this);
    this.announced = true;
    this.obs.emit({
      type: "workers.start",
      workers: this.runners.map((r) => r.name),
      channels: Object.keys(this.channels),
      at: Date.now(),
    });
  }

  // ---- entry points ----

  private entry(worker: string, msg: unknown): CommandWorker {
    if (this.phase !== "running") throw new StoppedError();
    // A caller usually sends to the same worker again and again: the last one found is
    // remembered (the set of exposed workers never changes), sparing a map lookup.
    let target = this.lastTarget;
    if (target === undefined || worker !== this.lastTargetName) {
      target = this.exposed.get(worker);
      if (target === undefined) {
        throw new NotExposedError(String(worker), [...this.exposed.keys()]);
      }
      this.lastTarget = target;
      this.lastTargetName = worker;
    }
    if (msg === undefined) throw new InvalidMessageError();
    return target;
  }

  command(worker: string, msg: unknown): Promise<boolean> {
    try {
      const target = this.entry(worker, msg);
      // Uninstrumented, an envelope would carry nothing (no headers, no reply): the message
      // travels as it is, processed like any raw value on an input channel.
      const value =
        this.instrumented || !travelsBare(msg) ? this.envelope(target.inChannel!, msg) : msg;
      return this.send(target, value, msg, undefined);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  request(worker: string, msg: unknown, options?: RequestOptions): Promise<any> {
    let target: CommandWorker;
    let timeoutMs: number | undefined;
    let signal: AbortSignal | undefined;
    try {
      // A malformed call is refused as such, whatever the system's state.
      const o = optionsObject<RequestOptions>("request options", options);
      if (o !== undefined) {
        timeoutMs = durationMs("request options.timeoutMs", o.timeoutMs, { infinite: true });
        signal = abortSignal("request options.signal", o.signal);
        // Infinity: no deadline, no timer.
        if (timeoutMs === Number.POSITIVE_INFINITY) timeoutMs = undefined;
      }
      target = this.entry(worker, msg);
    } catch (error) {
      return Promise.reject(error);
    }
    if (signal?.aborted === true) return Promise.reject(signal.reason);
    const env = this.envelope(target.inChannel!, msg);
    return new Promise((resolve, reject) => {
      const pending = new PendingRequest(resolve, reject);
      env.reply = pending;
      if (timeoutMs !== undefined || signal !== undefined) {
        const controller = new AbortController();
        env.abort = controller;
        if (timeoutMs !== undefined) {
          const ms = timeoutMs;
          pending.timer = setTimeout(() => {
            const error = new TimeoutError(worker, ms);
            pending.reject(error);
            controller.abort(error);
          }, timeoutMs);
        }
        // One abort listener per caller signal, however many requests share it.
        if (signal !== undefined) watchSignal(signal, pending, controller);
      }
      if (target.putMode === "drop") {
        // Decided now: a refusal is an input-drop (the channel cannot close in between).
        if (!this.offerOrDrop(target, env, msg)) {
          pending.reject(new DroppedError("input-drop", target.inChannel!));
        }
        return;
      }
      let put: Promise<boolean>;
      try {
        put = this.send(target, env, msg, env.abort?.signal);
      } catch (error) {
        pending.reject(error);
        return;
      }
      put.then(
        (accepted) => {
          // Refused only by a closed channel: the system stopped.
          if (!accepted) pending.reject(new StoppedError());
        },
        (error: unknown) => pending.reject(error),
      );
    });
  }

  /** Puts by the channel's put mode; a refused `drop`-mode offer is an `input-drop`. */
  /** Puts `value` (an envelope, or the message itself) by the channel's put mode. */
  private send(
    target: CommandWorker,
    value: unknown,
    msg: unknown,
    signal: AbortSignal | undefined,
  ): Promise<boolean> {
    const ch = target.channel;
    const kind = target.putKind;
    if (kind === PUT_ASYNC) return ch.putAsync(value) ? TRUE : FALSE;
    if (kind === PUT_BLOCK) return signal === undefined ? ch.put(value) : ch.put(value, { signal });
    return this.offerOrDrop(target, value, msg) ? TRUE : FALSE;
  }

  private offerOrDrop(target: CommandWorker, value: unknown, msg: unknown): boolean {
    if (target.channel.offer(value)) return true;
    this.drop("input-drop", target.inChannel!, msg, target.name);
    return false;
  }

  /**
   * The envelope of a `command` / `request`. `enqueuedAt` is stamped when the system is
   * instrumented (an `inject` or `around` hook reads it); otherwise it is 0 and the hot path
   * reads no clock.
   */
  private envelope(channel: string, msg: unknown): MessageEnvelope {
    const inject = this.obs.inject;
    if (inject === undefined) {
      return new MessageEnvelope(
        msg,
        EMPTY_HEADERS,
        this.obs.around === undefined ? 0 : epochNow(),
      );
    }
    const headers: Headers = {};
    inject(headers, { channel });
    return new MessageEnvelope(msg, headers, epochNow());
  }

  /**
   * A value put by the runtime on behalf of a worker. With an `inject` hook: `inject`, and an
   * envelope carrying the headers when the channel is a worker's input. Without one the value
   * goes as it is (an input channel processes raw values with empty headers): no allocation.
   */
  wrap(channel: string, value: unknown, workerId: string | undefined): unknown {
    const inject = this.obs.inject;
    // `undefined` and thenables go as they are, for the channel to refuse with its own code.
    if (inject === undefined || value === undefined || isThenable(value)) return value;
    const headers: Headers = {};
    inject(headers, workerId === undefined ? { channel } : { channel, workerId });
    return this.inputOwner.has(channel) ? new MessageEnvelope(value, headers, epochNow()) : value;
  }

  /** `ctx.channels` of a worker: the channels themselves, or facades when `inject` is present. */
  channelsFor(workerId: string): Readonly<Record<string, Channel<unknown>>> {
    if (this.obs.inject === undefined) return this.channels;
    const facades: Record<string, Channel<unknown>> = {};
    for (const [name, ch] of Object.entries(this.channels)) {
      facades[name] = new ChannelFacade(this, ch, name, workerId);
    }
    return facades;
  }

  /** A thread worker's `ctx.channels[name].put/offer`, carried out here. */
  private readonly channelOp: ChannelOp = (request) => {
    const ch = this.channels[request.channel];
    if (ch === undefined) return Promise.reject(new UnknownChannelError(request.channel));
    if (request.value === undefined) return Promise.reject(new InvalidMessageError());
    const value = this.wrap(request.channel, request.value, request.workerId);
    if (request.op === "offer") return ch.offer(value) ? TRUE : FALSE;
    this.pendingOps++;
    let put: Promise<boolean>;
    try {
      // Parked, the put ends when its message aborts (request timeout, stop's deadline) or,
      // outside a message, at stop's deadline: nothing stays parked after stop.
      put = ch.put(value, { signal: request.signal ?? this.stopSignal });
    } catch (error) {
      this.pendingOps--;
      return Promise.reject(error);
    }
    return put.finally(() => {
      this.pendingOps--;
      this.progress();
    });
  };

  // ---- outcomes and events ----

  /** Offers a result (or tick, or error event) to a channel; a refusal is a drop with `reason`. */
  deliver(channel: string, value: unknown, workerId: string, reason: DropEventReason): boolean {
    const ch = this.channels[channel];
    if (ch?.offer(this.wrap(channel, value, workerId))) return true;
    this.drop(reason, channel, value, workerId);
    return false;
  }

  drop(reason: DropEventReason, channel: string, msg: unknown, workerId: string | undefined): void {
    this.dropCounts[channel] = (this.dropCounts[channel] ?? 0) + 1;
    this.obs.emit(
      workerId === undefined
        ? { type: "workers.drop", channel, reason, msg, at: Date.now() }
        : { type: "workers.drop", workerId, channel, reason, msg, at: Date.now() },
    );
  }

  private onBufferDrop(
    channel: string,
    value: unknown,
    reason: "buffer-dropped" | "buffer-evicted",
  ): void {
    const env = value instanceof MessageEnvelope ? value : undefined;
    this.drop(
      reason,
      channel,
      env === undefined ? value : env.body,
      this.inputOwner.get(channel)?.name,
    );
    env?.reply?.reject(new DroppedError(reason, channel));
  }

  /** A message that will never be processed because of `stop`. */
  shutdownDrop(
    workerId: string,
    channel: string | undefined,
    env: MessageEnvelope | undefined,
    body: unknown,
  ): void {
    this.shutdownDrops++;
    this.drop("shutdown", channel ?? workerId, body, workerId);
    env?.reply?.reject(
      new StoppedError("The workers system stopped before the message was processed"),
    );
  }

  shutdownDropValue(workerId: string, channel: string | undefined, value: unknown): void {
    if (value instanceof MessageEnvelope) this.shutdownDrop(workerId, channel, value, value.body);
    else this.shutdownDrop(workerId, channel, undefined, value);
  }

  reportError(runner: WorkerRunner, msg: unknown, error: unknown): void {
    const event = errorEvent(runner, msg, error);
    this.obs.emit(event);
    if (runner.failChan !== undefined) {
      this.deliver(runner.failChan, event, runner.name, "fail-chan-full");
    }
  }

  // ---- stats ----

  stats(): StatsSnapshot {
    return snapshot(this.runners, this.channels, this.dropCounts, this.startedAt, this.dispatcher);
  }

  // ---- stop ----

  /** Called when a message finishes or a loop goes idle: resolves a draining stop once quiescent. */
  progress(): void {
    const resolve = this.onQuiescent;
    if (resolve !== undefined && this.isQuiescent()) {
      this.onQuiescent = undefined;
      resolve();
    }
  }

  private isQuiescent(): boolean {
    if (this.pendingOps > 0) return false;
    for (const r of this.runners) if (r.inFlight > 0) return false;
    for (const w of this.commandWorkers) {
      if (w.exited) continue;
      const ch = w.channel;
      if (ch.size > 0 || ch.pendingPuts > 0) return false;
      // Parked in take() with the take still pending: a take that was just handed a value
      // (its continuation not yet run) shows as pendingTakes 0.
      if (!w.waiting || ch.pendingTakes === 0) return false;
    }
    return true;
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
      this.stopPromise = this.shutdown(drain, timeoutMs);
    }
    return this.stopPromise;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  /**
   * Resolves `true` once the system is quiescent, `false` at the deadline. Quiescence is
   * checked again when the waiting code resumes: a value that arrived in between (handed to a
   * loop whose continuation has not run yet) means waiting on.
   */
  private async waitQuiescent(timeoutMs: number): Promise<boolean> {
    let timedOut = false;
    let wake: (() => void) | undefined;
    // Infinity: no deadline, no timer.
    const timer =
      timeoutMs === Number.POSITIVE_INFINITY
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            this.onQuiescent = undefined;
            wake?.();
          }, timeoutMs);
    try {
      for (;;) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          this.onQuiescent = resolve;
          this.progress();
        });
        if (timedOut) return false;
        if (this.isQuiescent()) return true;
      }
    } finally {
      clearTimeout(timer);
    }
  }

  private async shutdown(drain: boolean, timeoutMs: number): Promise<void> {
    const began = performance.now();
    const wasStarted = this.announced;
    this.phase = "stopping";
    for (const ticker of this.tickers) ticker.halt();
    const quiescent = drain ? await this.waitQuiescent(timeoutMs) : false;
    for (const worker of this.commandWorkers) worker.halt();

    const jobs: Job[] = [];
    for (const r of this.runners) for (const job of r.jobs) jobs.push(job);
    const reason = new StoppedError("The workers system stopped before this message finished");
    if (jobs.length > 0) {
      // The pool answers an aborted thread message at once with the abort's reason, whatever
      // the thread does: what a thread worker still runs here is a shutdown drop, reported
      // before the abort (its late outcome is ignored), never an error of the worker.
      for (const r of this.runners) if (r.thread) for (const job of [...r.jobs]) r.abandon(job);
      this.stopController.abort(reason);
      for (const job of jobs) job.env?.abort?.abort(reason);
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        Promise.all(jobs.map((job) => job.settled)),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, ABORT_GRACE_MS);
        }),
      ]);
      clearTimeout(timer);
      for (const r of this.runners) for (const job of [...r.jobs]) r.abandon(job);
    }

    for (const ch of Object.values(this.channels)) ch.close();
    for (const worker of this.commandWorkers) {
      for (let v = worker.channel.poll(); v !== undefined; v = worker.channel.poll()) {
        this.shutdownDropValue(worker.name, worker.inChannel, v);
      }
    }
    await Promise.all(this.commandWorkers.map((w) => w.loopDone));
    if (!this.stopController.signal.aborted) this.stopController.abort(reason);
    try {
      await this.dispatcher?.close();
    } finally {
      this.guard?.disable();
      this.phase = "stopped";
      if (wasStarted) {
        this.obs.emit({
          type: "workers.stop",
          drain,
          timedOut: drain && !quiescent,
          shutdownDrops: this.shutdownDrops,
          durationMs: Math.round((performance.now() - began) * 1000) / 1000,
          at: Date.now(),
        });
      }
    }
  }
}
