// The consumer side of a channel: pull requests on the shared durable consumer, asking only for
// as many messages as takes wait for (no prefetch), over one inbox subscription a channel.
// At most one pull request is outstanding; it ends when its batch is filled, on a status from
// the server (408 expired, 409 ...), on the client's own deadline (a request lost with a
// restarted server) or on a reconnect.

import {
  createInbox,
  type Msg,
  type NatsConnection,
  type Subscription,
} from "@nats-io/transport-node";
import { deliveredValue, type MessageReply } from "@workers/runtime";
import { readMessage } from "./codec.js";
import { NatsDelivery, parseAckSubject } from "./delivery.js";

interface Waiter {
  resolve(value: NatsDelivery | undefined): void;
  reject(error: unknown): void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

export interface PullerHost {
  readonly nc: NatsConnection;
  readonly stream: string;
  readonly durable: string;
  readonly ackWaitMs: number;
  readonly pullExpiresMs: number;
  /** The reply a processing replica settles for a `request`'s message. */
  replyFor(replyTo: string, delivery: NatsDelivery): MessageReply;
  /** `n` messages were removed from the stream before any consumer saw them (sliding). */
  evicted(n: number): void;
}

export class Puller {
  private readonly inbox = createInbox();
  private readonly sub: Subscription;
  private readonly waiters: Waiter[] = [];
  /** Messages that arrived with no take waiting (a pull outlived its takes). */
  private readonly ready: NatsDelivery[] = [];
  /** Messages still owed by the outstanding pull request (0: none outstanding). */
  private owed = 0;
  private deadline: ReturnType<typeof setTimeout> | undefined = undefined;
  private retry: ReturnType<typeof setTimeout> | undefined = undefined;
  private wanted = 1;
  private closed = false;
  /** The last first delivery seen right after the previous consumer sequence (eviction gaps). */
  private lastConsumerSeq: number;
  private lastFirstStreamSeq: number;

  constructor(
    private readonly host: PullerHost,
    delivered: { streamSeq: number; consumerSeq: number },
  ) {
    this.lastConsumerSeq = delivered.consumerSeq;
    this.lastFirstStreamSeq = delivered.streamSeq;
    this.sub = host.nc.subscribe(this.inbox, { callback: (_err, msg) => this.onMessage(msg) });
  }

  get pendingTakes(): number {
    return this.waiters.length;
  }

  poll(): NatsDelivery | undefined {
    return this.ready.shift();
  }

  take(options?: {
    signal?: AbortSignal | undefined;
    max?: number | undefined;
  }): Promise<NatsDelivery | undefined> {
    const ready = this.ready.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    if (this.closed) return Promise.resolve(undefined);
    const signal = options?.signal;
    if (signal?.aborted === true) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal, onAbort: undefined };
      if (signal !== undefined) {
        waiter.onAbort = () => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(signal.reason);
        };
        signal.addEventListener("abort", waiter.onAbort, { once: true });
      }
      this.waiters.push(waiter);
      this.wanted = Math.max(1, Math.floor(options?.max ?? 1));
      this.pull();
    });
  }

  /** Asks for what the waiting takes want, unless a pull request is still outstanding. */
  pull(): void {
    if (this.closed || this.owed > 0 || this.waiters.length === 0 || this.retry !== undefined)
      return;
    const batch = Math.max(this.wanted, this.waiters.length);
    this.owed = batch;
    try {
      this.host.nc.publish(
        `$JS.API.CONSUMER.MSG.NEXT.${this.host.stream}.${this.host.durable}`,
        JSON.stringify({ batch, expires: this.host.pullExpiresMs * 1e6 }),
        { reply: this.inbox },
      );
    } catch {
      // Closed or draining: the request is lost; try again after a while.
      this.owed = 0;
      this.later(250);
      return;
    }
    // The server answers an expired request with a 408; a request lost with a restarted
    // server gets no answer: our own deadline ends it.
    clearTimeout(this.deadline);
    this.deadline = setTimeout(() => {
      this.deadline = undefined;
      this.owed = 0;
      this.pull();
    }, this.host.pullExpiresMs + 1000);
    this.deadline.unref?.();
  }

  /** The outstanding request is gone (e.g. the connection reconnected): ask again. */
  reset(): void {
    this.endPull();
    this.pull();
  }

  private later(ms: number): void {
    if (this.retry !== undefined || this.closed) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.pull();
    }, ms);
    this.retry.unref?.();
  }

  private endPull(): void {
    this.owed = 0;
    clearTimeout(this.deadline);
    this.deadline = undefined;
  }

  private onMessage(msg: Msg): void {
    const status = msg.headers?.code ?? 0;
    if (status !== 0 || msg.reply === undefined || msg.reply === "") {
      if (status === 100) return; // idle heartbeat
      this.endPull();
      // 408: expired, ask again at once; 409 (limits, leadership change, deleted), 503: back off.
      if (status === 408 || status === 404) this.pull();
      else this.later(250);
      return;
    }
    const ack = parseAckSubject(msg.reply);
    if (this.owed > 0 && --this.owed === 0) this.endPull();
    const delivery = new NatsDelivery(
      this.host.nc,
      msg.reply,
      "",
      ack?.delivered ?? 1,
      this.host.ackWaitMs,
    );
    if (this.closed) {
      delivery.nak(0); // arrived after close: straight back to the stream
      return;
    }
    if (ack !== undefined) this.countEvictions(ack);
    try {
      const { message, replyTo } = readMessage(
        msg.data,
        msg.headers,
        `${this.host.stream}:${ack?.streamSeq ?? 0}`,
      );
      delivery.id = message.id;
      delivery.value = deliveredValue(
        message,
        replyTo === undefined ? undefined : this.host.replyFor(replyTo, delivery),
      );
    } catch {
      // Not a message of ours (or a corrupt body): it can never be processed.
      delivery.term();
      this.pull();
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter === undefined) {
      this.ready.push(delivery);
      return;
    }
    if (waiter.onAbort !== undefined) waiter.signal?.removeEventListener("abort", waiter.onAbort);
    waiter.resolve(delivery);
    if (this.owed === 0) this.pull();
  }

  /**
   * First deliveries come in stream order; between two consecutive consumer sequences both seen
   * here, skipped stream sequences were removed before delivery: evicted by a sliding stream.
   */
  private countEvictions(ack: { delivered: number; streamSeq: number; consumerSeq: number }): void {
    const contiguous = ack.consumerSeq === this.lastConsumerSeq + 1;
    this.lastConsumerSeq = ack.consumerSeq;
    if (ack.delivered !== 1) return;
    if (contiguous && ack.streamSeq > this.lastFirstStreamSeq + 1) {
      this.host.evicted(ack.streamSeq - this.lastFirstStreamSeq - 1);
    }
    this.lastFirstStreamSeq = ack.streamSeq;
  }

  /** Stops pulling: waiting takes resolve `undefined`; messages not handed out go back. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.endPull();
    clearTimeout(this.retry);
    this.retry = undefined;
    for (const d of this.ready.splice(0)) d.nak(0);
    for (const w of this.waiters.splice(0)) {
      if (w.onAbort !== undefined) w.signal?.removeEventListener("abort", w.onAbort);
      w.resolve(undefined);
    }
  }

  /** Unsubscribes (after close; late messages go back to the stream meanwhile). */
  unsubscribe(): void {
    try {
      this.sub.unsubscribe();
    } catch {}
  }
}
