// Resolves the emitter and the instrumentation hooks from the components, once, at start.

import { isThenable } from "../system/envelope.js";
import type {
  Components,
  CustomEvent,
  Headers,
  InjectInfo,
  Instrumentation,
  ProcessInfo,
  WorkersEvent,
  WorkersSystem,
} from "../types.js";
import { consoleEmitter } from "./console-emitter.js";

/** Returns what the user's callback returned (a promise is watched for rejection). */
type Sink = (event: WorkersEvent | CustomEvent) => unknown;

/** What the runtime uses: `emit` never throws; the hooks are `undefined` when absent. */
export interface ResolvedObservability {
  readonly emit: Sink;
  readonly inject: ((headers: Headers, info: InjectInfo) => void) | undefined;
  readonly around:
    | (<T>(info: ProcessInfo, headers: Readonly<Headers>, run: () => Promise<T>) => Promise<T>)
    | undefined;
  readonly attach: ((system: WorkersSystem<any>) => void) | undefined;
}

const NOOP: Sink = () => {};

function method(target: object, name: string): ((event: unknown) => unknown) | undefined {
  const fn = (target as Record<string, unknown>)[name];
  return typeof fn === "function" ? (fn.bind(target) as (event: unknown) => unknown) : undefined;
}

/** The emitter: a function, an object with `emit`, or a logger (warn/error/info, falling back to log). */
function resolveSink(component: unknown): Sink {
  if (typeof component === "function") return component as Sink;
  if (component === null || typeof component !== "object") return NOOP;
  const emit = method(component, "emit");
  if (emit !== undefined) return emit;
  const log = method(component, "log");
  const warn = method(component, "warn") ?? log;
  const error = method(component, "error") ?? log;
  const info = method(component, "info") ?? log;
  if (warn === undefined && error === undefined && info === undefined) return NOOP;
  return (event) => {
    const type = event.type;
    const to =
      type === "workers.error"
        ? error
        : type === "workers.start" || type === "workers.stop"
          ? info
          : type === "workers.drop" || type === "workers.guard"
            ? warn
            : (info ?? log);
    return to?.(event);
  };
}

let warned = false;

/** Observability must not break a worker loop: its exceptions become one process warning. */
function warnOnce(what: string, error: unknown): void {
  if (warned) return;
  warned = true;
  let detail: string;
  try {
    detail = String(error);
  } catch {
    detail = "(unprintable)";
  }
  process.emitWarning(`${what} threw; further observability errors are ignored`, {
    code: "WORKERS_OBSERVABILITY_ERROR",
    detail,
  });
}

/**
 * Calls a user's callback so that it cannot break the caller: a throw, or a promise it returns
 * that rejects (an `async` emitter), becomes one process warning, never an unhandled rejection.
 */
function callSafely(what: () => string, call: () => unknown): void {
  let result: unknown;
  try {
    result = call();
  } catch (error) {
    warnOnce(what(), error);
    return;
  }
  if (result !== undefined && isThenable(result)) {
    Promise.resolve(result).then(undefined, (error: unknown) => warnOnce(what(), error));
  }
}

function guarded(sink: Sink): Sink {
  if (sink === NOOP) return NOOP;
  return (event) => {
    callSafely(
      () => `A workers emitter handling "${event.type}"`,
      () => sink(event),
    );
  };
}

/**
 * Takes the first of `observability`, `obs`, `logger` that is present. With none of them (all
 * `undefined`), the default console emitter reports; `null` turns reporting off.
 */
export function resolveObservability(components: Components): ResolvedObservability {
  const named = components.observability ?? components.obs ?? components.logger;
  const none =
    components.observability === undefined &&
    components.obs === undefined &&
    components.logger === undefined;
  const component: unknown = none ? consoleEmitter() : named;
  const hooks: Instrumentation =
    component !== null && (typeof component === "object" || typeof component === "function")
      ? (component as Instrumentation)
      : {};
  return {
    emit: guarded(resolveSink(component)),
    inject:
      typeof hooks.inject === "function"
        ? (headers, info) => {
            callSafely(
              () => "The inject hook",
              () => hooks.inject!(headers, info),
            );
          }
        : undefined,
    around: typeof hooks.around === "function" ? hooks.around.bind(hooks) : undefined,
    attach:
      typeof hooks.attach === "function"
        ? (system) => {
            // A throw fails the start (all-or-nothing); a rejection cannot: it is reported.
            const result: unknown = hooks.attach!(system);
            if (result !== undefined && isThenable(result)) {
              Promise.resolve(result).then(undefined, (error: unknown) =>
                warnOnce("The attach hook", error),
              );
            }
          }
        : undefined,
  };
}
