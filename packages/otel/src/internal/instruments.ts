import {
  type Attributes,
  type BatchObservableResult,
  createNoopMeter,
  type Histogram,
  type Meter,
  type Observable,
  type ObservableCounter,
  type ObservableGauge,
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

/**
 * A monotonic count per attribute set, reported by an observable counter at collection time.
 * The SDK hashes the attributes of every synchronous `add`; counting here, keyed by the cached
 * (frozen, shared) attribute objects, costs one map update per message instead.
 */
export class Counts {
  readonly #values = new Map<Attributes, number>();

  constructor(readonly instrument: ObservableCounter) {}

  add(attributes: Attributes): void {
    this.#values.set(attributes, (this.#values.get(attributes) ?? 0) + 1);
  }

  observe(result: BatchObservableResult): void {
    for (const [attributes, value] of this.#values)
      result.observe(this.instrument, value, attributes);
  }
}

/** Every instrument the component records to, created from one meter. */
export class Instruments {
  /** False when the meter is the API's no-op one (no meter provider registered or given). */
  readonly live: boolean;
  readonly sent: Counts;
  readonly consumed: Counts;
  readonly processDuration: Histogram;
  readonly queueWait: Histogram;
  readonly dropped: Counts;
  readonly failed: Counts;
  readonly channelSize: ObservableGauge;
  readonly pendingPuts: ObservableGauge;
  readonly pendingTakes: ObservableGauge;

  constructor(meter: Meter, observe: (result: BatchObservableResult) => void) {
    this.live = meter !== createNoopMeter();
    const advice = { explicitBucketBoundaries: [...DURATION_BUCKETS_S] };
    const counter = (name: string, description: string): Counts =>
      new Counts(meter.createObservableCounter(name, { description, unit: "{message}" }));
    this.sent = counter(
      METRIC_MESSAGING_CLIENT_SENT_MESSAGES,
      "Number of messages put on a channel.",
    );
    this.consumed = counter(
      METRIC_MESSAGING_CLIENT_CONSUMED_MESSAGES,
      "Number of messages delivered to a worker function.",
    );
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
    this.dropped = counter(METRIC_WORKERS_MESSAGES_DROPPED, "Messages dropped, by reason.");
    this.failed = counter(METRIC_WORKERS_MESSAGES_FAILED, "Messages whose processing failed.");
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
    const observables: Observable[] = [
      this.sent.instrument,
      this.consumed.instrument,
      this.dropped.instrument,
      this.failed.instrument,
      this.channelSize,
      this.pendingPuts,
      this.pendingTakes,
    ];
    meter.addBatchObservableCallback((result) => {
      this.sent.observe(result);
      this.consumed.observe(result);
      this.dropped.observe(result);
      this.failed.observe(result);
      observe(result);
    }, observables);
  }
}
