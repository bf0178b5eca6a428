// What a transport stores for a message, and back: a transport that keeps messages outside
// this process (NATS) stores the parts of the runtime's envelope (id, body, headers, enqueuedAt)
// and, for a `request`, settles the caller's reply when the outcome comes back.

import { EMPTY_HEADERS, MessageEnvelope, nextMessageId } from "../system/envelope.js";

/** A message as a transport stores it. */
export interface TransportMessage {
  /** Stable across redeliveries (NATS: `Nats-Msg-Id`). */
  readonly id: string;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;
  /** Epoch ms when it was put; 0 when unknown. */
  readonly enqueuedAt: number;
}

/** Where a `request`'s outcome goes; settles once, later calls are ignored. */
export interface MessageReply {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/**
 * What the runtime put on a channel (`put`/`putAsync`/`offer` value) as the transport stores
 * it, and the caller's reply when the value is a `request`'s: settle it with the outcome that
 * comes back (or reject it when the message is lost).
 */
export function messageOf(value: unknown): {
  message: TransportMessage;
  reply: MessageReply | undefined;
} {
  if (value instanceof MessageEnvelope) {
    return {
      message: {
        id: value.id,
        body: value.body,
        headers: value.headers,
        enqueuedAt: value.enqueuedAt,
      },
      reply: value.reply,
    };
  }
  return {
    message: { id: nextMessageId(), body: value, headers: EMPTY_HEADERS, enqueuedAt: 0 },
    reply: undefined,
  };
}

class DeliveredEnvelope extends MessageEnvelope {
  constructor(
    private readonly storedId: string,
    message: TransportMessage,
    reply: MessageReply | undefined,
  ) {
    super(message.body, message.headers, message.enqueuedAt);
    this.reply = reply;
  }

  override get id(): string {
    return this.storedId;
  }
}

/**
 * The value of a `Delivery` for a stored message: the runtime processes it as the message that
 * was put, with its id and headers, and settles `reply` (e.g. publishing to the caller's reply
 * subject) with its outcome.
 */
export function deliveredValue(message: TransportMessage, reply?: MessageReply): unknown {
  return new DeliveredEnvelope(message.id, message, reply);
}
