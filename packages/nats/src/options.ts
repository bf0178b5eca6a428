// `natsTransport` options, resolved once and validated with messages naming the field.

import type { NatsConnection } from "@nats-io/transport-node";
import type { TransportChannelSpec } from "@workers/runtime";
import { NatsTransportError } from "./errors.js";

interface CommonOptions {
  /**
   * Consume the channels here (run their workers), or only send to them (a front end whose
   * requests other replicas serve): `false` for none, or the channel names to consume.
   * @default true
   */
  readonly consume?: boolean | readonly string[];
  /**
   * The stream name of a channel. Every replica must compute the same name.
   * @default `WORKERS_` + the subject with every character outside `[A-Za-z0-9_-]` as `_`
   */
  readonly streamName?: (spec: TransportChannelSpec, subject: string) => string;
  /** The durable consumer every replica shares. @default "workers" */
  readonly durable?: string;
  /**
   * How long JetStream waits for a settlement before it redelivers a message (`ack_wait`); the
   * runtime sends `working` every half of it while a message runs. @default 30000
   */
  readonly ackWaitMs?: number;
  /** How long one pull request waits on the server for messages (`expires`). @default 5000 */
  readonly pullExpiresMs?: number;
  /** How long a publish waits for JetStream's acknowledgement before it is tried again. @default 5000 */
  readonly publishTimeoutMs?: number;
}

/** Options of `natsTransport`: where the server is (or a connection to use), and the mapping. */
export type NatsTransportOptions =
  | (CommonOptions & {
      /** Server URL(s), e.g. `"nats://127.0.0.1:4222"`; the transport opens and closes the connection. */
      readonly servers: string | readonly string[];
      /** How long start waits for the first connection. @default 5000 */
      readonly connectTimeoutMs?: number;
      /** Connection name shown by the server. @default "workers" */
      readonly name?: string;
    })
  | (CommonOptions & {
      /** A connection the caller owns: the transport never closes it. */
      readonly connection: NatsConnection;
    });

export interface ResolvedOptions {
  readonly servers: string[] | undefined;
  readonly connection: NatsConnection | undefined;
  readonly connectTimeoutMs: number;
  readonly name: string;
  readonly consume: (channel: string) => boolean;
  readonly streamName: (spec: TransportChannelSpec, subject: string) => string;
  readonly durable: string;
  readonly ackWaitMs: number;
  readonly pullExpiresMs: number;
  readonly publishTimeoutMs: number;
}

function ms(field: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 1 || value > 2 ** 31 - 1) {
    throw new NatsTransportError(
      "ERR_TRANSPORT_CONFIG",
      `natsTransport options.${field}: expected a number of ms in 1..2^31-1, got ${String(value)}`,
      { field },
    );
  }
  return value;
}

/** The default subject of a channel without one: `workers.` + its name. */
export function defaultSubject(channel: string): string {
  return `workers.${channel.replace(/[^A-Za-z0-9_-]+/g, ".").replace(/^\.+|\.+$/g, "")}`;
}

function defaultStreamName(_spec: TransportChannelSpec, subject: string): string {
  return `WORKERS_${subject.replace(/[^A-Za-z0-9_-]/g, "_")}`;
}

export function resolveOptions(options: NatsTransportOptions): ResolvedOptions {
  if (options === null || typeof options !== "object") {
    throw new NatsTransportError(
      "ERR_TRANSPORT_CONFIG",
      "natsTransport options: expected { servers } or { connection }",
      { field: "options" },
    );
  }
  const o = options as CommonOptions & {
    servers?: string | readonly string[];
    connection?: NatsConnection;
    connectTimeoutMs?: number;
    name?: string;
  };
  if ((o.servers === undefined) === (o.connection === undefined)) {
    throw new NatsTransportError(
      "ERR_TRANSPORT_CONFIG",
      "natsTransport options: give exactly one of servers and connection",
      { field: o.servers === undefined ? "servers" : "connection" },
    );
  }
  const consume = o.consume ?? true;
  const consumed = typeof consume === "boolean" ? undefined : new Set(consume);
  return {
    servers:
      o.servers === undefined
        ? undefined
        : typeof o.servers === "string"
          ? [o.servers]
          : [...o.servers],
    connection: o.connection,
    connectTimeoutMs: ms("connectTimeoutMs", o.connectTimeoutMs, 5000),
    name: o.name ?? "workers",
    consume: consumed === undefined ? () => consume === true : (channel) => consumed.has(channel),
    streamName: o.streamName ?? defaultStreamName,
    durable: o.durable ?? "workers",
    ackWaitMs: ms("ackWaitMs", o.ackWaitMs, 30_000),
    pullExpiresMs: ms("pullExpiresMs", o.pullExpiresMs, 5000),
    publishTimeoutMs: ms("publishTimeoutMs", o.publishTimeoutMs, 5000),
  };
}
