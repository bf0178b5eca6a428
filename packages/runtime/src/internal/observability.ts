// Resolves the emitter and the instrumentation hooks from the components, once, at start.

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

type Sink = (event: WorkersEvent | CustomEvent) => void;

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

function method(target: object, name: string): ((event: unknown) => void) | undefined {
  const fn = (target as Record<string, unknown>)[name];
  return typeof fn === "function" ? (fn.bind(target) as (event: unknown) => void) : undefined;
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
    to?.(event);
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

function guarded(sink: Sink): Sink {
  if (sink === NOOP) return NOOP;
  return (event) => {
    try {
      sink(event);
    } catch (error) {
      warnOnce(`A workers emitter handling "${event.type}"`, error);
    }
  };
}

/** Takes the first of `observability`, `obs`, `logger` that is present. */
export function resolveObservability(components: Components): ResolvedObservability {
  const component = components.observability ?? components.obs ?? components.logger;
  const hooks: Instrumentation =
    component !== null && (typeof component === "object" || typeof component === "function")
      ? (component as Instrumentation)
      : {};
  return {
    emit: guarded(resolveSink(component)),
    inject:
      typeof hooks.inject === "function"
        ? (headers, info) => {
            try {
              hooks.inject!(headers, info);
            } catch (error) {
              warnOnce("The inject hook", error);
            }
          }
        : undefined,
    around: typeof hooks.around === "function" ? hooks.around.bind(hooks) : undefined,
    attach: typeof hooks.attach === "function" ? hooks.attach.bind(hooks) : undefined,
  };
}
