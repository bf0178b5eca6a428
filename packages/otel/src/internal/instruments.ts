import type {
  BatchObservableResult,
  Counter,
  Histogram,
  Meter,
  ObservableGauge,
} from "@opentelemetry/api";
import {
  DURATION_BUCKETS_S,
  METRIC_MESSAGING_CLIENT_CONSUMED_MESSAGES,
  METRIC_MESSAGING_CLIENT_SENT_MESSAGES,
  METRIC_MESSAGING_PROCESS_DURATION,
  METRIC_WORKERS_CHANNEL_PENDING_PUTS,
  METRIC_WORKERS_CHANNEL_PENDING_TAKES,
  METRIC_WORKERS_CHANNEL_SIZE,
  METRIC_WORKERS_MESSAGES_DROPPED,
  METRIC_WORKERS_MESSAGES_FAILED,
  METRIC_WORKERS_QUEUE_WAIT_DURATION,
} from "../semconv.js";

/** Every instrument the component records to, created from one meter. */
export class Instruments {
  readonly sent: Counter;
  readonly consumed: Counter;
  readonly processDuration: Histogram;
  readonly queueWait: Histogram;
  readonly dropped: Counter;
  readonly failed: Counter;
  readonly channelSize: ObservableGauge;
  readonly pendingPuts: ObservableGauge;
  readonly pendingTakes: ObservableGauge;

  constructor(meter: Meter, observe: (result: BatchObservableResult) => void) {
    const advice = { explicitBucketBoundaries: [...DURATION_BUCKETS_S] };
    this.sent = meter.createCounter(METRIC_MESSAGING_CLIENT_SENT_MESSAGES, {
      description: "Number of messages put on a channel.",
      unit: "{message}",
    });
    this.consumed = meter.createCounter(METRIC_MESSAGING_CLIENT_CONSUMED_MESSAGES, {
      description: "Number of messages delivered to a worker function.",
      unit: "{message}",
    });
    this.processDuration = meter.createHistogram(METRIC_MESSAGING_PROCESS_DURATION, {
      description: "Duration of processing one message.",
      unit: "s",
      advice,
    });
    this.queueWait = meter.createHistogram(METRIC_WORKERS_QUEUE_WAIT_DURATION, {
      description: "Time a message waited in its channel before processing began.",
      unit: "s",
      advice,
    });
    this.dropped = meter.createCounter(METRIC_WORKERS_MESSAGES_DROPPED, {
      description: "Messages dropped, by reason.",
      unit: "{message}",
    });
    this.failed = meter.createCounter(METRIC_WORKERS_MESSAGES_FAILED, {
      description: "Messages whose processing failed.",
      unit: "{message}",
    });
    this.channelSize = meter.createObservableGauge(METRIC_WORKERS_CHANNEL_SIZE, {
      description: "Values buffered in a channel.",
      unit: "{message}",
    });
    this.pendingPuts = meter.createObservableGauge(METRIC_WORKERS_CHANNEL_PENDING_PUTS, {
      description: "Puts parked on a channel, waiting for room.",
      unit: "{operation}",
    });
    this.pendingTakes = meter.createObservableGauge(METRIC_WORKERS_CHANNEL_PENDING_TAKES, {
      description: "Takes parked on a channel, waiting for a value.",
      unit: "{operation}",
    });
    meter.addBatchObservableCallback(observe, [
      this.channelSize,
      this.pendingPuts,
      this.pendingTakes,
    ]);
  }
}
