// A copy of the incubating (experimental) messaging semantic conventions this package emits,
// as the OpenTelemetry contrib instrumentations do: the `incubating` entry point of
// `@opentelemetry/semantic-conventions` may change in any minor release, so it is not imported.
// https://opentelemetry.io/docs/specs/semconv/messaging/messaging-spans/
// https://opentelemetry.io/docs/specs/semconv/messaging/messaging-metrics/

/** The messaging system as identified by the instrumentation (`"workers"` here). */
export const ATTR_MESSAGING_SYSTEM = "messaging.system" as const;
/** The type of the operation: `send` on the producer side, `process` on the consumer side. */
export const ATTR_MESSAGING_OPERATION_TYPE = "messaging.operation.type" as const;
/** The system-specific name of the operation (`send`, `process`). */
export const ATTR_MESSAGING_OPERATION_NAME = "messaging.operation.name" as const;
/** The destination: the channel name. */
export const ATTR_MESSAGING_DESTINATION_NAME = "messaging.destination.name" as const;
/** The message id (the runtime's envelope id). */
export const ATTR_MESSAGING_MESSAGE_ID = "messaging.message.id" as const;
/** Describes the class of error an operation ended with (stable, from the general conventions). */
export const ATTR_ERROR_TYPE = "error.type" as const;

/** Value of {@link ATTR_MESSAGING_SYSTEM}. */
export const MESSAGING_SYSTEM_VALUE_WORKERS = "workers" as const;
/** Value "send" of {@link ATTR_MESSAGING_OPERATION_TYPE}. */
export const MESSAGING_OPERATION_TYPE_VALUE_SEND = "send" as const;
/** Value "process" of {@link ATTR_MESSAGING_OPERATION_TYPE}. */
export const MESSAGING_OPERATION_TYPE_VALUE_PROCESS = "process" as const;
/** Fallback value of {@link ATTR_ERROR_TYPE} when an error has no name or code. */
export const ERROR_TYPE_VALUE_OTHER = "_OTHER" as const;

/** Number of messages a producer sent (counter, `{message}`). */
export const METRIC_MESSAGING_CLIENT_SENT_MESSAGES = "messaging.client.sent.messages" as const;
/** Number of messages delivered to the application (counter, `{message}`). */
export const METRIC_MESSAGING_CLIENT_CONSUMED_MESSAGES =
  "messaging.client.consumed.messages" as const;
/** Duration of processing (histogram, seconds). */
export const METRIC_MESSAGING_PROCESS_DURATION = "messaging.process.duration" as const;

// The runtime's own attributes and metrics (not messaging conventions).

/** The worker that produced (send) or processed (process) the message. */
export const ATTR_WORKERS_WORKER = "workers.worker" as const;
/** How the worker runs: `go` (event loop) or `thread` (worker-thread pool). */
export const ATTR_WORKERS_DISPATCH = "workers.dispatch" as const;
/** Why a message was dropped (`input-drop`, `output-drop`, `buffer-dropped`, ...). */
export const ATTR_WORKERS_DROP_REASON = "workers.drop.reason" as const;
/** Which run of the message a process span is (1-based), for a worker with `retry`. */
export const ATTR_WORKERS_ATTEMPT = "workers.attempt" as const;
/** How long the main thread was blocked, on `workers.guard` span events. */
export const ATTR_WORKERS_BLOCKED_MS = "workers.blocked_ms" as const;

/** Time a message waited in its channel before processing began (histogram, seconds). */
export const METRIC_WORKERS_QUEUE_WAIT_DURATION = "workers.queue.wait.duration" as const;
/** Messages dropped, by `workers.drop.reason` (counter, `{message}`). */
export const METRIC_WORKERS_MESSAGES_DROPPED = "workers.messages.dropped" as const;
/** Messages whose processing failed (counter, `{message}`). */
export const METRIC_WORKERS_MESSAGES_FAILED = "workers.messages.failed" as const;
/** Values buffered in a channel (observable gauge, `{message}`). */
export const METRIC_WORKERS_CHANNEL_SIZE = "workers.channel.size" as const;
/** Puts parked on a channel (observable gauge, `{operation}`). */
export const METRIC_WORKERS_CHANNEL_PENDING_PUTS = "workers.channel.pending_puts" as const;
/** Takes parked on a channel (observable gauge, `{operation}`). */
export const METRIC_WORKERS_CHANNEL_PENDING_TAKES = "workers.channel.pending_takes" as const;

/** Bucket boundaries advised for the duration histograms (from the messaging conventions). */
export const DURATION_BUCKETS_S: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];
