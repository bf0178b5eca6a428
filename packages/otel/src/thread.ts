// Thread side of @workers/otel. Import it from the module named by the runtime's
// `threads.setup` option: that module runs once in every worker thread, registers the
// thread's own OpenTelemetry SDK (each thread has its own API globals) and re-exports `around`.

import {
  type Context,
  context,
  defaultTextMapGetter,
  propagation,
  ROOT_CONTEXT,
  type TextMapPropagator,
} from "@opentelemetry/api";
import { OtelOptionsError } from "./errors.js";
import { W3CTraceContextFallback } from "./internal/w3c-propagator.js";

/** The `around` export a `threads.setup` module may have: wraps each task in the thread. */
export type ThreadAround = <T>(
  info: unknown,
  headers: Readonly<Record<string, string>>,
  run: () => T,
) => T;

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
  headers: Readonly<Record<string, string>>,
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
  return <T>(_info: unknown, headers: Readonly<Record<string, string>>, run: () => T): T =>
    context.with(extractTaskContext(headers ?? {}, propagator), run);
}

/**
 * Runs each thread task inside the main thread's `process` span context, so spans the worker
 * function starts (its own, or an instrumented HTTP client's) become children of that span.
 * Re-export it from your `threads.setup` module after registering the thread's SDK, including a
 * context manager (`AsyncLocalStorageContextManager`, which `NodeSDK` registers), else the
 * context does not survive an `await`.
 *
 * @example
 * ```ts
 * // otel-thread.ts, passed as startWorkers(def, components, { threads: { setup } })
 * import { NodeSDK } from "@opentelemetry/sdk-node";
 * new NodeSDK({ serviceName: "images" }).start();
 * export { around } from "@workers/otel/thread";
 * ```
 */
export const around: ThreadAround = createThreadAround();
