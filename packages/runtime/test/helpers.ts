import type { WorkersEvent } from "../src/index.js";

// Captured before any test installs fake timers.
const realSetImmediate = globalThis.setImmediate;

/** Lets every pending microtask (and promise chain) run. */
export function flush(): Promise<void> {
  return new Promise((resolve) => {
    realSetImmediate(resolve);
  });
}

/** An emitter that records every event. */
export function recorder(): {
  events: WorkersEvent[];
  emit: (event: WorkersEvent) => void;
  of<T extends WorkersEvent["type"]>(type: T): Extract<WorkersEvent, { type: T }>[];
} {
  const events: WorkersEvent[] = [];
  return {
    events,
    emit: (event) => {
      events.push(event);
    },
    of: <T extends WorkersEvent["type"]>(type: T) =>
      events.filter((e): e is Extract<WorkersEvent, { type: T }> => e.type === type),
  };
}

/** A promise with its resolvers, for workers a test releases by hand. */
export function latch<T = void>(): {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
} {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
