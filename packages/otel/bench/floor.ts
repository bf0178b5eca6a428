// The floor: the telemetry of one hop written straight against the OpenTelemetry API, with no
// runtime and no component in between: a PRODUCER span and a CONSUMER span with the attributes
// the component gives them, W3C inject and extract through a propagator, `context.with` around
// the processing, and the metric records the component makes (a sent and a consumed count, a
// queue wait and a processing duration). What any instrumentation of a hop has to spend; the
// component's rows are read against it.
import {
  type Attributes,
  type Counter,
  context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  type Histogram,
  type Meter,
  ROOT_CONTEXT,
  SpanKind,
  type TextMapPropagator,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import {
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
  ATTR_WORKERS_DISPATCH,
  ATTR_WORKERS_WORKER,
  DURATION_BUCKETS_S,
  METRIC_MESSAGING_CLIENT_CONSUMED_MESSAGES,
  METRIC_MESSAGING_CLIENT_SENT_MESSAGES,
  METRIC_MESSAGING_PROCESS_DURATION,
  METRIC_WORKERS_QUEUE_WAIT_DURATION,
} from "../src/semconv.js";

export interface FloorApi {
  readonly tracer: Tracer;
  readonly meter: Meter;
  readonly propagator: TextMapPropagator;
}

const done = (): Promise<number> => Promise.resolve(1);

/** The instruments the component records into, made as it makes them. */
function instruments(meter: Meter): {
  sent: Counter;
  consumed: Counter;
  duration: Histogram;
  wait: Histogram;
} {
  const advice = { explicitBucketBoundaries: [...DURATION_BUCKETS_S] };
  return {
    sent: meter.createCounter(METRIC_MESSAGING_CLIENT_SENT_MESSAGES, { unit: "{message}" }),
    consumed: meter.createCounter(METRIC_MESSAGING_CLIENT_CONSUMED_MESSAGES, {
      unit: "{message}",
    }),
    duration: meter.createHistogram(METRIC_MESSAGING_PROCESS_DURATION, { unit: "s", advice }),
    wait: meter.createHistogram(METRIC_WORKERS_QUEUE_WAIT_DURATION, { unit: "s", advice }),
  };
}

/**
 * One hop a message, as `hookRound` makes it through the component. With `counters: false` the
 * two counters are left out: the component counts in memory and reports through observable
 * counters at collection time (the same exported sums), so this is the stricter floor for it.
 */
export function floorRound(
  { tracer, meter, propagator }: FloorApi,
  { counters = true }: { counters?: boolean } = {},
): (n: number) => Promise<void> {
  const channel = "images/in";
  const sendMetric = {
    [ATTR_MESSAGING_SYSTEM]: "workers",
    [ATTR_MESSAGING_OPERATION_NAME]: "send",
    [ATTR_MESSAGING_DESTINATION_NAME]: channel,
  };
  const sendSpan = { ...sendMetric, [ATTR_MESSAGING_OPERATION_TYPE]: "send" };
  const processMetric = {
    [ATTR_MESSAGING_SYSTEM]: "workers",
    [ATTR_MESSAGING_OPERATION_NAME]: "process",
    [ATTR_MESSAGING_DESTINATION_NAME]: channel,
    [ATTR_WORKERS_WORKER]: "resize",
  };
  const processSpan = {
    ...processMetric,
    [ATTR_MESSAGING_OPERATION_TYPE]: "process",
    [ATTR_WORKERS_DISPATCH]: "go",
  };
  const { sent, consumed, duration, wait } = instruments(meter);
  return async (n) => {
    for (let i = 0; i < n; i++) {
      if ((i & 255) === 255) await new Promise<void>((resolve) => setImmediate(resolve));
      const headers: Record<string, string> = {};
      // The put: a send span, its context written into the message's headers.
      const active = context.active();
      const send = tracer.startSpan(
        `send ${channel}`,
        { kind: SpanKind.PRODUCER, attributes: sendSpan },
        active,
      );
      propagator.inject(trace.setSpan(active, send), headers, defaultTextMapSetter);
      send.end();
      if (counters) sent.add(1, sendMetric);
      const sentAt = performance.now();
      // The processing: a process span, child of the context the headers carry.
      const parent = propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
      const span = tracer.startSpan(
        `process ${channel}`,
        { kind: SpanKind.CONSUMER, attributes: processSpan },
        parent,
      );
      span.setAttribute(ATTR_MESSAGING_MESSAGE_ID, "m");
      const startedAt = performance.now();
      if (counters) consumed.add(1, processMetric);
      wait.record((startedAt - sentAt) / 1000, processMetric);
      await context.with(trace.setSpan(parent, span), done);
      duration.record((performance.now() - startedAt) / 1000, processMetric);
      span.end();
    }
  };
}

interface HookInfo {
  readonly channel?: string;
  readonly workerId: string;
  readonly dispatch: string;
  readonly messageId: string;
}

/**
 * The floor's calls as bare `inject`/`around` hooks, for the pipeline: no thread hops, drop
 * spans, error marking, gauges or failure isolation. What is left of the component's pipeline
 * figure beyond three floors once this is subtracted is the component's own; the rest is what
 * a pipeline adds to any telemetry (the runtime's hook plumbing, more live objects for the GC,
 * the context manager carried through every promise of the stages).
 */
export function floorHooks({ tracer, meter, propagator }: FloorApi): object {
  const { sent, consumed, duration, wait } = instruments(meter);
  const sendAttrs = new Map<string, { span: Attributes; metric: Attributes }>();
  const processAttrs = new Map<string, { span: Attributes; metric: Attributes }>();
  // The queue wait from the put's time, kept by headers (as a hook that does not read
  // `ProcessInfo.enqueuedAt` must).
  const sentAt = new WeakMap<object, number>();
  return {
    emit(): void {},
    inject(headers: Record<string, string>, info: { channel: string; workerId?: string }): void {
      let attrs = sendAttrs.get(info.channel);
      if (attrs === undefined) {
        const metric = {
          [ATTR_MESSAGING_SYSTEM]: "workers",
          [ATTR_MESSAGING_OPERATION_NAME]: "send",
          [ATTR_MESSAGING_DESTINATION_NAME]: info.channel,
        };
        attrs = { metric, span: { ...metric, [ATTR_MESSAGING_OPERATION_TYPE]: "send" } };
        sendAttrs.set(info.channel, attrs);
      }
      const active = context.active();
      const span = tracer.startSpan(
        `send ${info.channel}`,
        { kind: SpanKind.PRODUCER, attributes: attrs.span },
        active,
      );
      propagator.inject(trace.setSpan(active, span), headers, defaultTextMapSetter);
      span.end();
      sent.add(1, attrs.metric);
      sentAt.set(headers, performance.now());
    },
    async around<T>(
      info: HookInfo,
      headers: Record<string, string>,
      run: () => Promise<T>,
    ): Promise<T> {
      let attrs = processAttrs.get(info.workerId);
      if (attrs === undefined) {
        const metric = {
          [ATTR_MESSAGING_SYSTEM]: "workers",
          [ATTR_MESSAGING_OPERATION_NAME]: "process",
          [ATTR_MESSAGING_DESTINATION_NAME]: info.channel ?? "",
          [ATTR_WORKERS_WORKER]: info.workerId,
        };
        attrs = {
          metric,
          span: {
            ...metric,
            [ATTR_MESSAGING_OPERATION_TYPE]: "process",
            [ATTR_WORKERS_DISPATCH]: info.dispatch,
          },
        };
        processAttrs.set(info.workerId, attrs);
      }
      const parent = propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
      const span = tracer.startSpan(
        `process ${info.channel}`,
        { kind: SpanKind.CONSUMER, attributes: attrs.span },
        parent,
      );
      span.setAttribute(ATTR_MESSAGING_MESSAGE_ID, info.messageId);
      const startedAt = performance.now();
      consumed.add(1, attrs.metric);
      const at = sentAt.get(headers);
      if (at !== undefined) wait.record((startedAt - at) / 1000, attrs.metric);
      try {
        return await context.with(trace.setSpan(parent, span), run);
      } finally {
        duration.record((performance.now() - startedAt) / 1000, attrs.metric);
        span.end();
      }
    },
  };
}
