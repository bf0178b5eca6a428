// Requests across processes. The calling side subscribes to one inbox (`<prefix>.*`) and
// keeps each waiting `request`'s reply by message id; the processing side publishes the
// outcome to the subject the message carried (`Workers-Reply-To`).

import {
  createInbox,
  headers,
  type NatsConnection,
  type Subscription,
} from "@nats-io/transport-node";
import { decodeError, encodeError, type MessageReply, StoppedError } from "@workers/runtime";
import { decodeBody, encodeBody, OUTCOME } from "./codec.js";
import type { NatsDelivery } from "./delivery.js";

/** Replies kept at most: a request that timed out is forgotten only when its answer comes. */
const MAX_WAITING = 100_000;

export class ReplyInbox {
  private readonly prefix = createInbox();
  private readonly waiting = new Map<string, MessageReply>();
  private readonly sub: Subscription;

  constructor(nc: NatsConnection) {
    this.sub = nc.subscribe(`${this.prefix}.*`, {
      callback: (err, msg) => {
        // An error (a permissions violation on the inbox) comes with no message: the requests
        // waiting for replies end by their own timeouts.
        if (err !== null) return;
        const id = msg.subject.slice(this.prefix.length + 1);
        const reply = this.waiting.get(id);
        if (reply === undefined) return;
        this.waiting.delete(id);
        try {
          const value = decodeBody(msg.data);
          if (msg.headers?.get(OUTCOME) === "error") reply.reject(decodeError(value as never));
          else reply.resolve(value);
        } catch (error) {
          reply.reject(error);
        }
      },
    });
  }

  /** The subject an answer to message `id` goes to; `reply` settles when it comes. */
  expect(id: string, reply: MessageReply): string {
    if (this.waiting.size >= MAX_WAITING) {
      const oldest = this.waiting.keys().next().value as string;
      this.waiting.get(oldest)?.reject(new StoppedError("Too many requests waiting for an answer"));
      this.waiting.delete(oldest);
    }
    this.waiting.set(id, reply);
    return `${this.prefix}.${id}`;
  }

  /** No answer will come (the message was refused or never stored). */
  forget(id: string): void {
    this.waiting.delete(id);
  }

  close(): void {
    const error = new StoppedError("The NATS transport closed before the request was answered");
    for (const reply of this.waiting.values()) reply.reject(error);
    this.waiting.clear();
    try {
      this.sub.unsubscribe();
    } catch {}
  }
}

/**
 * The processing side's reply: publishes the value or the error to the caller's subject. A
 * message handed back to the stream (nak: `stop` gave up on it) is answered by whoever runs
 * it next, so nothing is published after a nak.
 */
export class PublishedReply implements MessageReply {
  private done = false;

  constructor(
    private readonly nc: NatsConnection,
    private readonly subject: string,
    private readonly delivery: NatsDelivery,
  ) {}

  resolve(value: unknown): void {
    if (!this.finish()) return;
    let data: Uint8Array;
    try {
      data = encodeBody(value);
    } catch (error) {
      this.send("error", encodeBody(encodeError(error)));
      return;
    }
    this.send("value", data);
  }

  reject(error: unknown): void {
    if (this.finish()) this.send("error", encodeBody(encodeError(error)));
  }

  private finish(): boolean {
    if (this.done || this.delivery.settled === "nak") return false;
    this.done = true;
    return true;
  }

  private send(outcome: "value" | "error", data: Uint8Array): void {
    const h = headers();
    h.set(OUTCOME, outcome);
    try {
      this.nc.publish(this.subject, data, { headers: h });
    } catch {}
  }
}
