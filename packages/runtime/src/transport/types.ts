// The transport seam: where a channel lives. In-memory channels (`@workers/channels`) are the
// default implementation; `@workers/nats` (and third parties) implement the same interfaces.

import type { BufferType, Channel, PutMode } from "@workers/channels";
import type { DropEventReason } from "../types/events.js";
import type { ChannelState } from "../types/stats.js";

/** A channel of the definition, as a transport opens it. */
export interface TransportChannelSpec {
  /** The channel's name in the definition. */
  readonly name: string;
  readonly buffer: number;
  readonly bufferType: BufferType;
  readonly putMode: PutMode;
  /** The transport's address for it (e.g. a NATS subject), when the definition gives one. */
  readonly subject?: string | undefined;
}

/** What the runtime gives a transport when it opens a channel. */
export interface TransportHooks {
  /**
   * The transport discarded `value` (a dropping buffer refused it, a sliding one evicted it):
   * the runtime emits `workers.drop` and rejects a pending `request`. `value` is what was put
   * (the runtime's envelope for input channels), or `undefined` when the body is gone.
   */
  onDrop(
    value: unknown,
    reason: Extract<DropEventReason, "buffer-dropped" | "buffer-evicted">,
  ): void;
}

/**
 * A message a consumer took from an acknowledged transport. It ends exactly once, by one of
 * `ack` (processed), `nak` (give it back, to be delivered again after `delayMs`) or `term`
 * (failed for good); `working` asks for more time before the transport redelivers it.
 */
export interface Delivery<T = unknown> {
  /** The value that was put (the runtime's envelope for input channels). */
  readonly value: T;
  /** Stable across redeliveries. */
  readonly id: string;
  /** 1 on the first delivery. */
  readonly attempt: number;
  readonly redelivered: boolean;
  /**
   * How long the transport waits for a settlement before it delivers the message again
   * (NATS: the consumer's `ack_wait`); absent when it never does. The runtime calls
   * `working()` every `ackWaitMs / 2` while the message runs.
   */
  readonly ackWaitMs?: number | undefined;
  ack(): void;
  nak(delayMs?: number): void;
  term(reason?: unknown): void;
  working(): void;
}

/** Options of `TransportChannel.take`. */
export interface TakeOptions {
  readonly signal?: AbortSignal | undefined;
  /**
   * How many messages the caller could start now (its free concurrency slots): a hint, never a
   * promise to take them. @default 1
   */
  readonly max?: number | undefined;
}

/**
 * One channel in a transport. The producer side is a channel's (`put` with backpressure,
 * `putAsync`, `offer`); the consumer side hands out values (`acknowledged: false`, in memory:
 * nothing to settle) or `Delivery` objects to settle (`acknowledged: true`).
 */
export interface TransportChannel {
  /** What workers and `system.channels` see: a channel of `@workers/channels`'s interface. */
  readonly channel: Channel<unknown>;
  /** Whether `poll`/`take` hand out `Delivery` objects (else the values themselves). */
  readonly acknowledged: boolean;
  /** A value (or a `Delivery`) if one is ready now. */
  poll(): unknown;
  /**
   * The next value (or `Delivery`); `undefined` once closed and drained. `max` (default 1) is a
   * hint: how many messages the caller could start now, so a transport that fetches over the
   * network may ask for that many at once (the rest are returned by the next `poll()`s).
   */
  take(options?: TakeOptions): Promise<unknown>;
  stats(): ChannelState;
  /** Refuses new puts; values already accepted stay takeable (an acknowledged transport keeps them). */
  close(): void;
}

/** A transport: opens the channels whose definition names it. */
export interface Transport {
  open(
    spec: TransportChannelSpec,
    hooks: TransportHooks,
  ): TransportChannel | Promise<TransportChannel>;
  /** Called once at `stop`, after its channels closed. */
  close?(): void | Promise<void>;
}
