// `natsTransport`: channels of a workers system kept in NATS JetStream. One connection a
// transport (opened at the first channel, or the caller's), one work-queue stream and one
// durable pull consumer a channel, one inbox for this process's requests.

import { type JetStreamManager, jetstreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import type {
  ChannelState,
  Transport,
  TransportChannel,
  TransportChannelSpec,
  TransportHooks,
} from "@workers/runtime";
import { NatsTransportError } from "./errors.js";
import {
  defaultSubject,
  type NatsTransportOptions,
  type ResolvedOptions,
  resolveOptions,
} from "./options.js";
import { ProducerChannel } from "./producer.js";
import { Publisher } from "./publisher.js";
import { Puller } from "./puller.js";
import { PublishedReply, ReplyInbox } from "./replies.js";
import { ensureConsumer, ensureStream, type StreamPlan } from "./stream.js";

/** How often `stats()` reads the stream and consumer state at most. */
const STATS_EVERY_MS = 1000;

interface Connected {
  readonly nc: NatsConnection;
  readonly jsm: JetStreamManager;
  readonly publisher: Publisher;
  readonly replies: ReplyInbox;
}

/** Stream and consumer state as `stats()` last read it. */
interface ServerState {
  messages: number;
  waiting: number;
  ackPending: number;
  redelivered: number;
}

/** A channel's stats: the channel's, plus what JetStream reports. */
export interface NatsChannelStats extends ChannelState {
  /** The stream's name. */
  readonly stream: string;
  /** Messages delivered and not yet settled, by every replica. */
  readonly ackPending: number;
  /** Messages delivered more than once and not yet settled. */
  readonly redelivered: number;
  /** Epoch ms of the last read of the server's state (0: never). */
  readonly readAt: number;
}

class NatsChannel implements TransportChannel {
  readonly acknowledged = true;
  readonly channel: ProducerChannel;
  private readonly puller: Puller | undefined;
  /** Takes of a channel this process does not consume: they wait for close. */
  private readonly idlers = new Set<() => void>();
  private state: ServerState = { messages: 0, waiting: 0, ackPending: 0, redelivered: 0 };
  private readAt = 0;
  private reading: Promise<void> | undefined = undefined;

  constructor(
    private readonly conn: Connected,
    readonly plan: StreamPlan,
    hooks: TransportHooks,
    options: ResolvedOptions,
    consume: boolean,
    delivered: { streamSeq: number; consumerSeq: number },
    stopped: AbortSignal,
  ) {
    const nc = conn.nc;
    this.channel = new ProducerChannel(
      {
        publisher: conn.publisher,
        subject: plan.subject,
        replies: conn.replies,
        hooks,
        pendingTakes: () => this.puller?.pendingTakes ?? this.idlers.size,
        stopped,
      },
      plan.bufferType,
      plan.buffer,
    );
    const channel = this.channel;
    this.puller = consume
      ? new Puller(
          {
            nc,
            stream: plan.stream,
            durable: plan.durable,
            ackWaitMs: plan.ackWaitMs,
            pullExpiresMs: options.pullExpiresMs,
            replyFor: (subject, delivery) => new PublishedReply(nc, subject, delivery),
            evicted: (n) => {
              for (let i = 0; i < n; i++) {
                channel.drops++;
                hooks.onDrop(undefined, "buffer-evicted");
              }
            },
          },
          delivered,
        )
      : undefined;
  }

  poll(): unknown {
    return this.puller?.poll();
  }

  /** Waits until closed when this process does not consume the channel. */
  take(options?: { signal?: AbortSignal | undefined; max?: number | undefined }): Promise<unknown> {
    if (this.puller !== undefined) return this.puller.take(options);
    return this.idle(options?.signal);
  }

  private idle(signal: AbortSignal | undefined): Promise<unknown> {
    if (this.channel.closed) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      const done = (): void => {
        this.idlers.delete(done);
        signal?.removeEventListener("abort", aborted);
        resolve(undefined);
      };
      const aborted = (): void => {
        this.idlers.delete(done);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", aborted, { once: true });
      this.idlers.add(done);
    });
  }

  /** The server restarted or the connection came back: pull requests are gone. */
  reconnected(): void {
    this.puller?.reset();
  }

  stats(): NatsChannelStats {
    if (performance.now() - this.readAt >= STATS_EVERY_MS) void this.read().catch(() => {});
    const ch = this.channel;
    return {
      size: this.state.messages,
      capacity: ch.capacity,
      bufferType: ch.bufferType,
      pendingPuts: ch.pendingPuts,
      pendingTakes: this.state.waiting,
      drops: ch.drops,
      closed: ch.closed,
      stream: this.plan.stream,
      ackPending: this.state.ackPending,
      redelivered: this.state.redelivered,
      readAt: this.readAt === 0 ? 0 : Math.round(performance.timeOrigin + this.readAt),
    };
  }

  /** Reads the stream and consumer state (one read at a time). */
  read(): Promise<void> {
    this.reading ??= (async () => {
      try {
        const [si, ci] = await Promise.all([
          this.conn.jsm.streams.info(this.plan.stream),
          this.conn.jsm.consumers.info(this.plan.stream, this.plan.durable),
        ]);
        this.state = {
          messages: si.state.messages,
          waiting: ci.num_waiting,
          ackPending: ci.num_ack_pending,
          redelivered: ci.num_redelivered,
        };
        this.readAt = performance.now();
      } finally {
        this.reading = undefined;
      }
    })();
    return this.reading;
  }

  close(): void {
    this.channel.close();
    this.puller?.close();
    for (const done of [...this.idlers]) done();
  }

  unsubscribe(): void {
    this.puller?.unsubscribe();
  }
}

/** A `Transport` that keeps channels in NATS JetStream, with what it opened. */
export interface NatsTransport extends Transport {
  open(spec: TransportChannelSpec, hooks: TransportHooks): Promise<TransportChannel>;
  close(): Promise<void>;
}

/**
 * Channels in NATS JetStream: one work-queue stream a channel (`max_msgs` = `buffer`;
 * `fixed` and `dropping` discard new, `sliding` discards old), one durable pull consumer shared
 * by every replica, requests answered across processes. Give one transport to one system.
 *
 * Start fails with `NatsTransportError`: `ERR_TRANSPORT_UNAVAILABLE` when the server cannot be
 * reached within `connectTimeoutMs`, `ERR_TRANSPORT_CONFIG` when an existing stream or consumer
 * conflicts (its `field` names the setting).
 *
 * @example
 * const system = await startWorkers(definition, components, {
 *   transports: { nats: natsTransport({ servers: "nats://127.0.0.1:4222" }) },
 * });
 */
export function natsTransport(options: NatsTransportOptions): NatsTransport {
  const o = resolveOptions(options);
  let connecting: Promise<Connected> | undefined;
  const channels = new Map<string, NatsChannel>();
  const stopping = new AbortController();
  let closed = false;

  async function connectOnce(): Promise<Connected> {
    let nc: NatsConnection;
    if (o.connection !== undefined) nc = o.connection;
    else {
      try {
        nc = await connect({
          servers: o.servers!,
          name: o.name,
          timeout: o.connectTimeoutMs,
          // Once connected, a lost server is waited for (puts retry, pulls resume).
          maxReconnectAttempts: -1,
          reconnectTimeWait: 250,
        });
      } catch (error) {
        throw new NatsTransportError(
          "ERR_TRANSPORT_UNAVAILABLE",
          `Cannot reach NATS at ${o.servers!.join(", ")}: ${(error as Error).message}`,
          { cause: error },
        );
      }
    }
    try {
      const jsm = await jetstreamManager(nc, { timeout: o.connectTimeoutMs });
      const conn: Connected = {
        nc,
        jsm,
        publisher: new Publisher(nc, o.publishTimeoutMs),
        replies: new ReplyInbox(nc),
      };
      void watchStatus(nc);
      return conn;
    } catch (error) {
      if (o.connection === undefined) await nc.close().catch(() => {});
      throw new NatsTransportError(
        "ERR_TRANSPORT_UNAVAILABLE",
        `NATS at ${o.servers?.join(", ") ?? "the given connection"} has no JetStream: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }

  async function watchStatus(nc: NatsConnection): Promise<void> {
    const statuses = nc.status();
    stopping.signal.addEventListener("abort", () => {
      // A connection the caller owns outlives the transport: stop listening to it.
      (statuses as { stop?: () => void }).stop?.();
    });
    for await (const s of statuses) {
      if (stopping.signal.aborted) return;
      if (s.type === "reconnect") for (const ch of channels.values()) ch.reconnected();
    }
  }

  async function shutdown(conn: Connected): Promise<void> {
    for (const ch of channels.values()) ch.unsubscribe();
    conn.publisher.close();
    conn.replies.close();
    if (o.connection === undefined) await conn.nc.close();
  }

  return {
    async open(spec, hooks) {
      if (closed)
        throw new NatsTransportError(
          "ERR_TRANSPORT_CONFIG",
          "This NATS transport was closed: give each system a new one",
          { field: "transport" },
        );
      connecting ??= connectOnce();
      let conn: Connected;
      try {
        conn = await connecting;
      } catch (error) {
        connecting = undefined;
        throw error;
      }
      const subject = spec.subject ?? defaultSubject(spec.name);
      const plan: StreamPlan = {
        stream: o.streamName(spec, subject),
        subject,
        buffer: spec.buffer,
        bufferType: spec.bufferType,
        durable: o.durable,
        ackWaitMs: o.ackWaitMs,
      };
      try {
        await ensureStream(conn.jsm, plan);
        const delivered = await ensureConsumer(conn.jsm, plan);
        const ch = new NatsChannel(
          conn,
          plan,
          hooks,
          o,
          o.consume(spec.name),
          delivered,
          stopping.signal,
        );
        channels.set(spec.name, ch);
        await ch.read();
        return ch;
      } catch (error) {
        // Nothing half started: the first channel's failure closes what it opened.
        if (channels.size === 0) {
          connecting = undefined;
          await shutdown(conn).catch(() => {});
        }
        if (error instanceof NatsTransportError) throw error;
        throw new NatsTransportError(
          "ERR_TRANSPORT_UNAVAILABLE",
          `Cannot open JetStream stream "${plan.stream}": ${(error as Error).message}`,
          { cause: error },
        );
      }
    },

    async close() {
      if (closed) return;
      closed = true;
      stopping.abort();
      for (const ch of channels.values()) ch.close();
      if (connecting === undefined) return;
      const conn = await connecting;
      // Settlements sent so far reach the server before the last read of the streams.
      await conn.nc.flush().catch(() => {});
      await Promise.all([...channels.values()].map((ch) => ch.read().catch(() => {})));
      // Publishes already sent learn whether they were stored (at most `publishTimeoutMs`):
      // given up now, a stored message would be reported as not sent.
      await conn.publisher.idle();
      await shutdown(conn);
    },
  };
}
