// The producer side of a NATS channel: a `Channel` of `@workers/channels`'s interface whose
// puts publish to the channel's stream. `put` resolves once JetStream stored the message (its
// PubAck); `putAsync` queues the publish here and calls back when stored; `offer` publishes only
// when the stream is not known to be full. A fixed buffer's refused publish waits and tries
// again (backpressure); a dropping one reports `buffer-dropped`. Every publish carries the
// message id as `Nats-Msg-Id`, so a publish tried again is never stored twice.

import type { MsgHdrs } from "@nats-io/transport-node";
import {
  type AbortSignalLike,
  type BufferType,
  type Channel,
  type OperationOptions,
  PendingLimitError,
} from "@workers/channels";
import { type MessageReply, messageOf, StoppedError, type TransportHooks } from "@workers/runtime";
import { encodeBody, messageHeaders } from "./codec.js";
import { NatsTransportError } from "./errors.js";
import { type AckWaiter, type Publisher, STORED } from "./publisher.js";
import type { ReplyInbox } from "./replies.js";

/** JetStream's "maximum messages exceeded": a `discard: new` stream is full. */
const STREAM_FULL = 10077;
/** core.async's bound on pending puts. */
const MAX_PENDING = 1024;
const MIN_BACKOFF_MS = 2;
const MAX_BACKOFF_MS = 100;

export interface ProducerHost {
  readonly publisher: Publisher;
  readonly subject: string;
  readonly replies: ReplyInbox;
  readonly hooks: TransportHooks;
  /** Waiting takes of this process's consumer (for `pendingTakes`: the runtime's quiescence). */
  pendingTakes(): number;
  /** The transport closed: publishes still waiting give up. */
  readonly stopped: AbortSignal;
}

function sleep(ms: number, signals: readonly (AbortSignalLike | undefined)[]): Promise<void> {
  // An abort listener added after the abort never fires: no wait at all then.
  if (signals.some((s) => s?.aborted === true)) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      for (const s of signals) s?.removeEventListener("abort", done);
      resolve();
    }
    for (const s of signals) s?.addEventListener("abort", done, { once: true });
  });
}

function unsupported(what: string): NatsTransportError {
  return new NatsTransportError(
    "ERR_TRANSPORT_UNSUPPORTED",
    `${what} on a NATS channel: its messages are consumed by the workers whose input it is (through the transport), never by taking from system.channels`,
  );
}

export class ProducerChannel implements Channel<unknown> {
  closed = false;
  drops = 0;
  /** Publishes not yet stored (waiting for JetStream, for room, or to be tried again). */
  pendingPuts = 0;
  /** Set when a fixed stream refused a publish; cleared by the next stored one. */
  full = false;
  /** Publishes stored by JetStream from this process. */
  stored = 0;
  /** Publishes given up when the transport closed before JetStream stored them. */
  unsent = 0;
  readonly capacity: number;

  constructor(
    private readonly host: ProducerHost,
    readonly bufferType: BufferType,
    buffer: number,
  ) {
    this.capacity = buffer;
  }

  /** What this process holds for the channel: nothing (the stream holds the messages). */
  get size(): number {
    return 0;
  }

  get pendingTakes(): number {
    return this.host.pendingTakes();
  }

  put(value: unknown, options?: OperationOptions): Promise<boolean> {
    try {
      if (this.closed) return Promise.resolve(false);
      const signal = options?.signal;
      if (signal?.aborted === true) return Promise.reject(signal.reason);
      return this.publish(value, signal);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  putAsync(value: unknown, callback?: (accepted: boolean) => void): boolean {
    if (this.closed) {
      if (callback !== undefined) queueMicrotask(() => callback(false));
      return false;
    }
    void this.publish(value, undefined).then(
      (stored) => callback?.(stored),
      () => callback?.(false),
    );
    return true;
  }

  offer(value: unknown): boolean {
    if (this.closed || this.pendingPuts >= MAX_PENDING) return false;
    // Only a fixed stream refuses: dropping and sliding ones accept every put (as in memory).
    if (this.bufferType === "fixed" && (this.full || this.pendingPuts >= this.capacity)) {
      return false;
    }
    void this.publish(value, undefined).catch(() => {});
    return true;
  }

  take(): Promise<unknown> {
    return Promise.reject(unsupported("take"));
  }

  poll(): unknown {
    throw unsupported("poll");
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<unknown> {
    throw unsupported("for await");
  }

  close(): void {
    this.closed = true;
  }

  /**
   * Publishes until JetStream stores the message: `true`, or `false` when the transport
   * closed first. Throws synchronously for a value that cannot travel.
   */
  private publish(value: unknown, signal: AbortSignalLike | undefined): Promise<boolean> {
    if (value === undefined) throw new TypeError("Cannot put undefined on a channel");
    if (this.pendingPuts >= MAX_PENDING) throw new PendingLimitError("put", MAX_PENDING);
    const { message, reply } = messageOf(value);
    // Encoded before the reply is expected: a value that cannot travel leaves nothing behind.
    const data = encodeBody(message.body);
    const replyTo = reply === undefined ? undefined : this.host.replies.expect(message.id, reply);
    const put = new PendingPut(this, value, message.id, data, messageHeaders(message, replyTo));
    put.reply = reply;
    put.signal = signal;
    this.pendingPuts++;
    const stored = new Promise<boolean>((resolve, reject) => {
      put.resolve = resolve;
      put.reject = reject;
    });
    this.attempt(put);
    return stored;
  }

  /** One publish of `put`, unless the transport closed or its signal aborted meanwhile. */
  attempt(put: PendingPut): void {
    if (this.host.stopped.aborted) this.end(put, false);
    else if (put.signal?.aborted === true) this.fail(put, put.signal.reason);
    else this.host.publisher.publish(this.host.subject, put.data, put.headers, put);
  }

  /** JetStream's answer to one publish of `put`. */
  answered(put: PendingPut, result: number): void {
    if (result === STORED) {
      this.stored++;
      this.full = false;
      this.end(put, true);
      return;
    }
    if (result === STREAM_FULL) {
      if (this.bufferType !== "fixed") {
        // A dropping stream refused the newest: accepted, and dropped with an event.
        this.drops++;
        this.host.replies.forget(put.id);
        this.end(put, true);
        this.host.hooks.onDrop(put.value, "buffer-dropped");
        return;
      }
      this.full = true;
    }
    // Full (fixed: backpressure), or the server is away: the same id again after a while.
    const backoff = put.backoff;
    put.backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
    void sleep(backoff, [put.signal, this.host.stopped]).then(() => this.attempt(put));
  }

  private end(put: PendingPut, stored: boolean): void {
    this.pendingPuts--;
    const reply = put.reply;
    if (!stored) {
      this.unsent++;
      if (reply !== undefined) {
        this.host.replies.forget(put.id);
        reply.reject(
          new StoppedError("The NATS transport closed before JetStream stored the message"),
        );
      }
    }
    put.resolve(stored);
  }

  private fail(put: PendingPut, error: unknown): void {
    this.pendingPuts--;
    if (put.reply !== undefined) this.host.replies.forget(put.id);
    put.reject(error);
  }
}

/** A put on its way to the stream: published again (same id) until stored or given up. */
class PendingPut implements AckWaiter {
  deadline = 0;
  backoff: number = MIN_BACKOFF_MS;
  reply: MessageReply | undefined = undefined;
  signal: AbortSignalLike | undefined = undefined;
  resolve: (stored: boolean) => void = noop;
  reject: (error: unknown) => void = noop;

  constructor(
    private readonly channel: ProducerChannel,
    readonly value: unknown,
    readonly id: string,
    readonly data: Uint8Array,
    readonly headers: MsgHdrs,
  ) {}

  acked(result: number): void {
    this.channel.answered(this, result);
  }
}

function noop(): void {}
