// The system's shared state and accounting: channels (opened in their transports), drops,
// errors, the values the runtime puts on behalf of workers, and thread channel operations.
// Workers see it as a `WorkerHost`.

import { type Channel, mapPuts } from "@workers/channels";
import { ConfigError, type NormalizedDefinition } from "@workers/config";
import type { ChannelOp } from "../dispatch/types.js";
import { DroppedError, InvalidMessageError, StoppedError, UnknownChannelError } from "../errors.js";
import { DevGuard } from "../observability/dev-guard.js";
import { errorEvent, guardEvent } from "../observability/events.js";
import {
  type ResolvedObservability,
  resolveObservability,
} from "../observability/observability.js";
import { ChannelFacade } from "../transport/channel-facade.js";
import { memoryTransport } from "../transport/memory.js";
import type { Transport, TransportChannel } from "../transport/types.js";
import type {
  Components,
  CustomEvent,
  DropEventReason,
  Headers,
  StartOptions,
  StatsSnapshot,
  WorkersEvent,
} from "../types.js";
import { durationMs } from "./arguments.js";
import { epochNow, isThenable, MessageEnvelope } from "./envelope.js";
import type { ErrorSource, WorkerHost } from "./host.js";

const TRUE: Promise<boolean> = Promise.resolve(true);
const FALSE: Promise<boolean> = Promise.resolve(false);

export class SystemCore implements WorkerHost {
  readonly obs: ResolvedObservability;
  /** Whether the observability component has `inject` or `around` (envelopes then matter). */
  readonly instrumented: boolean;
  readonly guard: DevGuard | undefined;
  /** Keyed by the user's names: no inherited members (`toString`, `__proto__`). */
  readonly channels: Record<string, Channel<unknown>> = Object.create(null);
  /** Every channel in its transport, in definition order. */
  readonly transportChannels: Map<string, TransportChannel> = new Map();
  /** The transports that opened channels (closed at stop). */
  readonly openTransports: Set<Transport> = new Set();
  /** Channels that live in memory (`@workers/channels`). */
  private readonly inMemory: Set<string> = new Set();
  /** Input channel name -> the worker reading it. */
  readonly inputOwner: Map<string, string> = new Map();
  readonly emit: (event: WorkersEvent | CustomEvent) => void;
  /** Readers of `onEvent()`: each gets every event after the emitter. */
  readonly taps: Set<(event: WorkersEvent | CustomEvent) => void> = new Set();
  /** Set by the system once its workers exist. */
  stats: () => StatsSnapshot = () => {
    throw new StoppedError("The workers system has not started");
  };
  private readonly stopController = new AbortController();
  private readonly stoppingController = new AbortController();
  /** Aborted when `stop` begins (a draining stop runs waiting retries at once). */
  readonly stopping: AbortSignal = this.stoppingController.signal;
  readonly stopSignal: AbortSignal = this.stopController.signal;
  /** Drops per channel (a user's names: no prototype). */
  readonly dropCounts: Record<string, number> = Object.create(null);
  /** Values the runtime offered on behalf of workers that channels accepted, per channel. */
  readonly delivered: Map<string, number> = new Map();
  /** Thread channel puts still parked. */
  pendingOps = 0;
  shutdownDrops = 0;
  phase: "starting" | "running" | "stopping" | "stopped" = "starting";
  /** Called on progress (a message ended, a loop went idle) while `stop` drains. */
  onProgress: (() => void) | undefined = undefined;

  constructor(
    readonly definition: NormalizedDefinition,
    readonly components: Components,
    options: StartOptions,
  ) {
    const resolved = resolveObservability(components);
    const taps = this.taps;
    const emit = resolved.emit;
    this.obs = {
      ...resolved,
      emit: (event) => {
        emit(event);
        if (taps.size > 0) for (const tap of taps) tap(event);
      },
    };
    this.emit = this.obs.emit;
    this.instrumented = this.obs.inject !== undefined || this.obs.around !== undefined;
    const guardMs = durationMs("startWorkers options.guardMs", options.guardMs) ?? 50;
    this.guard =
      options.devGuard === true
        ? new DevGuard(guardMs, (workerId, blockedMs, msg) =>
            this.obs.emit(guardEvent(workerId, blockedMs, msg)),
          )
        : undefined;
    for (const def of Object.values(definition.workers)) {
      if (def.kind === "command" && def.in !== undefined) this.inputOwner.set(def.in, def.name);
    }
  }

  /**
   * Opens every channel in its transport (in memory unless the definition names one of
   * `transports`). An unknown transport name is a definition error naming the ones given.
   */
  async openChannels(transports: Readonly<Record<string, Transport>> = {}): Promise<void> {
    const unknown = Object.entries(this.definition.channels).filter(
      ([, spec]) => spec.transport !== undefined && !Object.hasOwn(transports, spec.transport),
    );
    if (unknown.length > 0) {
      const given = Object.keys(transports);
      const names = given.length === 0 ? "none" : given.map((n) => `"${n}"`).join(", ");
      throw new ConfigError(
        unknown.map(([name, spec]) => ({
          path: ["channels", name, "transport"],
          code: "unknown-transport",
          message: `Unknown transport "${spec.transport}"; the transports given to startWorkers are: ${names}`,
        })),
      );
    }
    for (const [name, spec] of Object.entries(this.definition.channels)) {
      this.dropCounts[name] = 0;
      const transport =
        spec.transport === undefined ? memoryTransport : (transports[spec.transport] as Transport);
      const opened = await transport.open(
        {
          name,
          buffer: spec.buffer,
          bufferType: spec.bufferType,
          putMode: spec.putMode,
          subject: spec.subject,
        },
        { onDrop: (value, reason) => this.onBufferDrop(name, value, reason) },
      );
      this.openTransports.add(transport);
      if (transport === memoryTransport) this.inMemory.add(name);
      this.transportChannels.set(name, opened);
      this.channels[name] = opened.channel;
    }
  }

  // ---- values the runtime puts ----

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

  /**
   * `ctx.channels` of a worker: the channels themselves, or, with an `inject` hook, views of
   * them (`mapPuts`, real channels for every `@workers/channels` function) whose puts call
   * `inject` in the worker's context and wrap values for input channels in envelopes.
   */
  channelsFor(workerId: string): Readonly<Record<string, Channel<unknown>>> {
    if (this.obs.inject === undefined) return this.channels;
    const views: Record<string, Channel<unknown>> = Object.create(null);
    for (const [name, ch] of Object.entries(this.channels)) {
      const wrap = (value: unknown): unknown => this.wrap(name, value, workerId);
      // A transport's own channel object is not one of `@workers/channels`: a facade.
      views[name] = this.inMemory.has(name) ? mapPuts(ch, wrap) : new ChannelFacade(ch, wrap);
    }
    return views;
  }

  /** A thread worker's `ctx.channels[name].put/offer`, carried out here. */
  readonly channelOp: ChannelOp = (request) => {
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

  deliver(channel: string, value: unknown, workerId: string, reason: DropEventReason): boolean {
    const ch = this.channels[channel];
    if (ch?.offer(this.wrap(channel, value, workerId))) {
      this.delivered.set(channel, (this.delivered.get(channel) ?? 0) + 1);
      return true;
    }
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
    this.drop(reason, channel, env === undefined ? value : env.body, this.inputOwner.get(channel));
    env?.reply?.reject(new DroppedError(reason, channel));
  }

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

  returned(env: MessageEnvelope | undefined): void {
    env?.reply?.reject(
      new StoppedError("The workers system stopped before the message was processed"),
    );
  }

  reportError(source: ErrorSource, msg: unknown, error: unknown): void {
    const event = errorEvent(source, msg, error);
    this.obs.emit(event);
    if (source.failChan !== undefined) {
      this.deliver(source.failChan, event, source.name, "fail-chan-full");
    }
  }

  isInMemory(channel: string): boolean {
    return this.inMemory.has(channel);
  }

  progress(): void {
    this.onProgress?.();
  }

  /** `stop` began. */
  beginStop(): void {
    this.phase = "stopping";
    this.stoppingController.abort();
  }

  /** Aborts `ctx.signal` of every message without its own (stop's deadline). */
  abortAll(reason: unknown): void {
    if (!this.stopSignal.aborted) this.stopController.abort(reason);
  }
}
