// Thread side of @workers/otel. Import it from the module named by the runtime's
// `threads.setup` option: that module runs once in every worker thread, registers the
// thread's own OpenTelemetry SDK (each thread has its own API globals) and re-exports `around`
// and `shutdown`.

import {
  type Context,
  context,
  defaultTextMapGetter,
  metrics,
  propagation,
  ROOT_CONTEXT,
  type TextMapPropagator,
  trace,
} from "@opentelemetry/api";
import type { Headers, ProcessInfo } from "@workers/runtime";
import { OtelOptionsError } from "./errors.js";
import { W3CTraceContextFallback } from "./internal/w3c-propagator.js";

/**
 * The `around` export a `threads.setup` module may have: wraps each task in the thread. The
 * runtime passes the task's processing (`ProcessInfo`, `dispatch: "thread"`) and the headers it
 * sent to the thread.
 */
export type ThreadAround = <T>(info: ProcessInfo, headers: Readonly<Headers>, run: () => T) => T;

/** Options of {@link createThreadAround}. */
export interface ThreadAroundOptions {
  /**
   * Reads the trace context from the task's headers.
   * @default the thread's global propagator when one is registered, else W3C Trace Context
   */
  readonly propagator?: TextMapPropagator;
}

const fallback = new W3CTraceContextFallback();

/**
 * The context a thread task should run in: the one carried by its headers (the main thread's
 * `process` span, written there by the runtime), on top of the root context.
 */
export function extractTaskContext(
  headers: Readonly<Headers>,
  propagator?: TextMapPropagator,
): Context {
  const p = propagator ?? (propagation.fields().length > 0 ? propagation : fallback);
  return p.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
}

/**
 * Builds an `around` for a `threads.setup` module, with its own propagator.
 *
 * @throws OtelOptionsError (`ERR_OTEL_OPTIONS`) when `propagator` is not a TextMapPropagator.
 * @example
 * ```ts
 * export const around = createThreadAround({ propagator: new W3CTraceContextPropagator() });
 * ```
 */
export function createThreadAround(options: ThreadAroundOptions = {}): ThreadAround {
  const { propagator } = options;
  if (propagator !== undefined && typeof propagator?.extract !== "function") {
    throw new OtelOptionsError("propagator", "a TextMapPropagator (extract)", propagator);
  }
  return <T>(_info: ProcessInfo, headers: Readonly<Headers>, run: () => T): T =>
    context.with(extractTaskContext(headers ?? {}, propagator), run);
}

/**
 * Runs each thread task inside the main thread's `process` span context, so spans the worker
 * function starts (its own, or an instrumented HTTP client's) become children of that span.
 * Re-export it from your `threads.setup` module after registering the thread's SDK, including a
 * context manager (`AsyncLocalStorageContextManager`, which `NodeSDK` registers), else the
 * context does not survive an `await`; re-export {@link shutdown} beside it.
 *
 * @example
 * ```ts
 * // otel-thread.ts, passed as startWorkers(def, components, { threads: { setup } })
 * import { NodeSDK } from "@opentelemetry/sdk-node";
 * new NodeSDK({ serviceName: "images" }).start();
 * export { around, shutdown } from "@workers/otel/thread";
 * ```
 */
export const around: ThreadAround = createThreadAround();

/** What an SDK provider has beyond the API's interface. */
interface Flushable {
  forceFlush?(): Promise<unknown>;
}

function flush(provider: unknown): Promise<unknown> | undefined {
  if (provider === null || typeof provider !== "object") return undefined;
  const { forceFlush } = provider as Flushable;
  return typeof forceFlush === "function" ? forceFlush.call(provider) : undefined;
}

/**
 * Flushes the thread's registered tracer and meter providers: their span processors and metric
 * readers export what they still hold (a `BatchSpanProcessor`, which `NodeSDK` uses, holds up to
 * 5 s of spans). Re-export it from your `threads.setup` module: the runtime calls a setup
 * module's `shutdown` in every thread at `stop`, before the pool ends the thread, and waits for
 * it up to `threads.shutdownTimeoutMs` (default 5000). Without it, spans and metrics still
 * buffered in a thread are lost at `stop`. Providers without `forceFlush` (the API's no-op
 * ones) are skipped; a failed flush rejects (the runtime reports it as a process warning).
 * To shut the whole SDK down instead, export your own: `export const shutdown = () => sdk.shutdown()`.
 *
 * @example
 * ```ts
 * // otel-thread.ts, passed as startWorkers(def, components, { threads: { setup } })
 * import { NodeSDK } from "@opentelemetry/sdk-node";
 * new NodeSDK({ serviceName: "images" }).start();
 * export { around, shutdown } from "@workers/otel/thread";
 * ```
 */
export async function shutdown(): Promise<void> {
  const tracerProvider = trace.getTracerProvider() as { getDelegate?(): unknown };
  // The API hands out a proxy; the SDK's provider is its delegate.
  const tracing =
    typeof tracerProvider.getDelegate === "function"
      ? tracerProvider.getDelegate()
      : tracerProvider;
  await Promise.all([flush(tracing), flush(metrics.getMeterProvider())]);
}
