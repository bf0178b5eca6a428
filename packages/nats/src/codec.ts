// How a message is stored in JetStream: the body serialized with `node:v8` (the structured
// clone algorithm, as thread dispatch uses: Map, Set, Date, BigInt, typed arrays, Error and
// cycles survive; functions and symbols do not), the envelope's headers as NATS headers, and
// the runtime's own fields in `Workers-*` headers.

import { deserialize, serialize } from "node:v8";
import { type MsgHdrs, headers as natsHeaders } from "@nats-io/transport-node";
import type { TransportMessage } from "@workers/runtime";
import { NatsTransportError } from "./errors.js";

/** When the message was put (epoch ms). */
export const ENQUEUED_AT = "Workers-Enqueued-At";
/** Where the outcome of a `request` goes (the caller's inbox subject). */
export const REPLY_TO = "Workers-Reply-To";
/** An answer's kind: `value` or `error`. */
export const OUTCOME = "Workers-Outcome";
const MSG_ID = "Nats-Msg-Id";
const OWN = new Set([ENQUEUED_AT.toLowerCase(), REPLY_TO.toLowerCase(), MSG_ID.toLowerCase()]);

export function encodeBody(value: unknown): Uint8Array {
  try {
    return serialize(value);
  } catch (error) {
    throw new NatsTransportError(
      "ERR_TRANSPORT_ENCODE",
      `A value put on a NATS channel must be serializable by node:v8 (structured clone): ${(error as Error).message}`,
      { cause: error },
    );
  }
}

export function decodeBody(data: Uint8Array): unknown {
  return deserialize(data);
}

/** The NATS headers of a stored message; `Nats-Msg-Id` is what JetStream dedupes by. */
export function messageHeaders(message: TransportMessage, replyTo: string | undefined): MsgHdrs {
  const h = natsHeaders();
  for (const [key, value] of Object.entries(message.headers)) h.set(key, value);
  // Last: a header of the same name (from an `inject` hook) must not make messages share an id,
  // which JetStream would take for duplicates of one message.
  h.set(MSG_ID, message.id);
  if (message.enqueuedAt > 0) h.set(ENQUEUED_AT, String(message.enqueuedAt));
  if (replyTo !== undefined) h.set(REPLY_TO, replyTo);
  return h;
}

/** A stored message read back: the envelope's parts and the caller's reply subject. */
export function readMessage(
  data: Uint8Array,
  h: MsgHdrs | undefined,
  fallbackId: string,
): { message: TransportMessage; replyTo: string | undefined } {
  const headers: Record<string, string> = Object.create(null);
  let id = fallbackId;
  let enqueuedAt = 0;
  let replyTo: string | undefined;
  if (h !== undefined) {
    for (const key of h.keys()) {
      const value = h.get(key);
      const lower = key.toLowerCase();
      if (lower === MSG_ID.toLowerCase()) id = value;
      else if (lower === ENQUEUED_AT.toLowerCase()) enqueuedAt = Number(value) || 0;
      else if (lower === REPLY_TO.toLowerCase()) replyTo = value;
      else if (!OWN.has(lower)) headers[key] = value;
    }
  }
  return { message: { id, body: decodeBody(data), headers, enqueuedAt }, replyTo };
}
