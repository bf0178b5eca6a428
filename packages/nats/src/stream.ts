// One JetStream work-queue stream a channel and one durable pull consumer shared by every
// replica: created when missing, checked when present (a conflict names the field).

import {
  AckPolicy,
  DiscardPolicy,
  JetStreamApiError,
  type JetStreamManager,
  RetentionPolicy,
  type StreamConfig,
} from "@nats-io/jetstream";
import { nanos } from "@nats-io/transport-node";
import type { BufferType } from "@workers/channels";
import { NatsTransportError } from "./errors.js";

export interface StreamPlan {
  readonly stream: string;
  readonly subject: string;
  readonly buffer: number;
  readonly bufferType: BufferType;
  readonly durable: string;
  readonly ackWaitMs: number;
}

/** `fixed` and `dropping` refuse the newest when full; `sliding` evicts the oldest. */
function discardOf(bufferType: BufferType): DiscardPolicy {
  return bufferType === "sliding" ? DiscardPolicy.Old : DiscardPolicy.New;
}

function conflict(what: string, field: string, has: unknown, wants: unknown): NatsTransportError {
  return new NatsTransportError(
    "ERR_TRANSPORT_CONFIG",
    `${what} exists with ${field} ${JSON.stringify(has)}, but the definition needs ${JSON.stringify(wants)}; delete it or change the definition`,
    { field },
  );
}

function isNotFound(error: unknown): boolean {
  return error instanceof JetStreamApiError && (error.code === 10059 || error.code === 10014);
}

export async function ensureStream(jsm: JetStreamManager, plan: StreamPlan): Promise<void> {
  // A buffer of 0 (a rendezvous in memory) has no stream equivalent: one message of room.
  const maxMsgs = Math.max(1, plan.buffer);
  const wanted: Partial<StreamConfig> & { name: string } = {
    name: plan.stream,
    subjects: [plan.subject],
    retention: RetentionPolicy.Workqueue,
    max_msgs: maxMsgs,
    discard: discardOf(plan.bufferType),
  };
  let info: Awaited<ReturnType<JetStreamManager["streams"]["info"]>> | undefined;
  try {
    info = await jsm.streams.info(plan.stream);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  if (info === undefined) {
    try {
      await jsm.streams.add(wanted);
      return;
    } catch (error) {
      // Another replica created it meanwhile: check it as an existing one.
      if (!(error instanceof JetStreamApiError) || error.code !== 10058) throw error;
      info = await jsm.streams.info(plan.stream);
    }
  }
  const c = info.config;
  const what = `JetStream stream "${plan.stream}"`;
  if (c.subjects.length !== 1 || c.subjects[0] !== plan.subject) {
    throw conflict(what, "subjects", c.subjects, [plan.subject]);
  }
  if (c.retention !== RetentionPolicy.Workqueue) {
    throw conflict(what, "retention", c.retention, RetentionPolicy.Workqueue);
  }
  if (c.max_msgs !== maxMsgs) throw conflict(what, "max_msgs", c.max_msgs, maxMsgs);
  if (c.discard !== wanted.discard) throw conflict(what, "discard", c.discard, wanted.discard);
}

/** The durable pull consumer; returns the stream and consumer sequences delivered so far. */
export async function ensureConsumer(
  jsm: JetStreamManager,
  plan: StreamPlan,
): Promise<{ streamSeq: number; consumerSeq: number }> {
  const what = `JetStream consumer "${plan.durable}" of stream "${plan.stream}"`;
  let info: Awaited<ReturnType<JetStreamManager["consumers"]["info"]>> | undefined;
  try {
    info = await jsm.consumers.info(plan.stream, plan.durable);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  if (info === undefined) {
    info = await jsm.consumers.add(plan.stream, {
      durable_name: plan.durable,
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(plan.ackWaitMs),
      // The runtime decides how often a message runs (`retry.attempts`) and terms it after.
      max_deliver: -1,
      max_ack_pending: -1,
    });
  } else {
    const c = info.config;
    if (c.deliver_subject !== undefined && c.deliver_subject !== "") {
      throw conflict(what, "deliver_subject", c.deliver_subject, undefined);
    }
    if (c.ack_policy !== AckPolicy.Explicit) {
      throw conflict(what, "ack_policy", c.ack_policy, AckPolicy.Explicit);
    }
    if (c.ack_wait !== nanos(plan.ackWaitMs)) {
      throw conflict(what, "ack_wait", c.ack_wait, nanos(plan.ackWaitMs));
    }
    if (
      c.filter_subject !== undefined &&
      c.filter_subject !== "" &&
      c.filter_subject !== plan.subject
    ) {
      throw conflict(what, "filter_subject", c.filter_subject, plan.subject);
    }
  }
  return { streamSeq: info.delivered.stream_seq, consumerSeq: info.delivered.consumer_seq };
}
