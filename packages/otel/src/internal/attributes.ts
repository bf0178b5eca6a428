import type { Attributes } from "@opentelemetry/api";
import {
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
  ATTR_WORKERS_DISPATCH,
  ATTR_WORKERS_WORKER,
  ERROR_TYPE_VALUE_OTHER,
  MESSAGING_OPERATION_TYPE_VALUE_PROCESS,
  MESSAGING_OPERATION_TYPE_VALUE_SEND,
  MESSAGING_SYSTEM_VALUE_WORKERS,
} from "../semconv.js";

/** Attribute sets that only depend on (channel, worker, dispatch), built once and frozen. */
export interface AttributeSet {
  /** The span name: `send <channel>`, `process <channel>` (`process <worker>` for a ticker). */
  readonly name: string;
  /** Span attributes without the message id. */
  readonly span: Attributes;
  /** Metric attributes (low cardinality: system, operation, destination, worker). */
  readonly metric: Attributes;
}

interface ProcessSet extends AttributeSet {
  readonly channel: string | undefined;
  readonly dispatch: string;
}

function build(
  operation: string,
  channel: string | undefined,
  workerId: string | undefined,
  dispatch: string | undefined,
): AttributeSet {
  const name = `${operation} ${channel ?? workerId}`;
  const metric: Attributes = {
    [ATTR_MESSAGING_SYSTEM]: MESSAGING_SYSTEM_VALUE_WORKERS,
    [ATTR_MESSAGING_OPERATION_NAME]: operation,
  };
  if (channel !== undefined) metric[ATTR_MESSAGING_DESTINATION_NAME] = channel;
  if (workerId !== undefined) metric[ATTR_WORKERS_WORKER] = workerId;
  const span: Attributes = { ...metric, [ATTR_MESSAGING_OPERATION_TYPE]: operation };
  if (dispatch !== undefined) span[ATTR_WORKERS_DISPATCH] = dispatch;
  return { name, span: Object.freeze(span), metric: Object.freeze(metric) };
}

/**
 * Caches attribute objects per key so the hot path allocates no attribute maps. The number of
 * keys is bounded by the topology (channels x workers), not by traffic.
 */
export class AttributeCache {
  // Keyed by object lookups, not concatenated strings: this runs twice per message.
  readonly #send = new Map<string, Map<string | undefined, AttributeSet>>();
  readonly #process = new Map<string, ProcessSet>();
  readonly #plain = new Map<string, Attributes>();

  send(channel: string, workerId: string | undefined): AttributeSet {
    let byWorker = this.#send.get(channel);
    if (byWorker === undefined) this.#send.set(channel, (byWorker = new Map()));
    let set = byWorker.get(workerId);
    if (set === undefined) {
      set = build(MESSAGING_OPERATION_TYPE_VALUE_SEND, channel, workerId, undefined);
      byWorker.set(workerId, set);
    }
    return set;
  }

  process(channel: string | undefined, workerId: string, dispatch: string): AttributeSet {
    // A worker has one input channel and one dispatch: the worker name alone finds its set.
    const found = this.#process.get(workerId);
    if (found !== undefined && found.channel === channel && found.dispatch === dispatch)
      return found;
    const set: ProcessSet = {
      ...build(MESSAGING_OPERATION_TYPE_VALUE_PROCESS, channel, workerId, dispatch),
      channel,
      dispatch,
    };
    this.#process.set(workerId, set);
    return set;
  }

  /** `messaging.system`, destination and worker, plus one extra attribute (e.g. a drop reason). */
  plain(
    channel: string | undefined,
    workerId: string | undefined,
    extraKey?: string,
    extraValue?: string,
  ): Attributes {
    const key = `${channel ?? ""}\u0000${workerId ?? ""}\u0000${extraKey ?? ""}\u0000${extraValue ?? ""}`;
    let attrs = this.#plain.get(key);
    if (attrs === undefined) {
      const a: Attributes = { [ATTR_MESSAGING_SYSTEM]: MESSAGING_SYSTEM_VALUE_WORKERS };
      if (channel !== undefined) a[ATTR_MESSAGING_DESTINATION_NAME] = channel;
      if (workerId !== undefined) a[ATTR_WORKERS_WORKER] = workerId;
      if (extraKey !== undefined && extraValue !== undefined) a[extraKey] = extraValue;
      attrs = Object.freeze(a);
      this.#plain.set(key, attrs);
    }
    return attrs;
  }
}

/** A short, low-cardinality name for an error: its string `code`, else its `name`. */
export function errorType(error: unknown): string {
  if (typeof error === "object" && error !== null) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string" && code !== "") return code;
    const name = (error as { name?: unknown }).name;
    if (typeof name === "string" && name !== "") return name;
  }
  return ERROR_TYPE_VALUE_OTHER;
}
