import { setImmediate as realSetImmediate } from "node:timers";

/** Runs every queued microtask (and the promise jobs they queue). */
export function flush(): Promise<void> {
  return new Promise((resolve) => realSetImmediate(resolve));
}

/** Tracks a promise's settlement without awaiting it. */
export function track<T>(p: Promise<T>): { settled: boolean; value?: T; error?: unknown } {
  const state: { settled: boolean; value?: T; error?: unknown } = { settled: false };
  p.then(
    (value) => {
      state.settled = true;
      state.value = value;
    },
    (error: unknown) => {
      state.settled = true;
      state.error = error;
    },
  );
  return state;
}

/** The read-only state of a channel, for "nothing changed" assertions. */
export function stateOf(ch: {
  size: number;
  pendingPuts: number;
  pendingTakes: number;
  drops: number;
  closed: boolean;
}): { size: number; pendingPuts: number; pendingTakes: number; drops: number; closed: boolean } {
  const { size, pendingPuts, pendingTakes, drops, closed } = ch;
  return { size, pendingPuts, pendingTakes, drops, closed };
}

/** A promise already rejected, marked handled (a refused put must not leave it unhandled). */
export function handledRejection(reason: unknown = new Error("rejected")): Promise<never> {
  const p = Promise.reject(reason);
  p.catch(() => {});
  return p;
}

/** The error a `then` getter throws in `thenables()`. */
export const thenGetterError: Error = new Error("then getter threw");

/**
 * One of each kind of thenable: every one must be refused by every put path. Fresh values on
 * each call.
 */
export function thenables(): [name: string, value: unknown][] {
  class Later {
    // biome-ignore lint/suspicious/noThenProperty: a thenable under test
    then(resolve: (v: number) => void): void {
      resolve(1);
    }
  }
  const throwingGetter = {};
  // biome-ignore lint/suspicious/noThenProperty: a thenable under test
  Object.defineProperty(throwingGetter, "then", {
    get() {
      throw thenGetterError;
    },
  });
  return [
    ["a resolved promise", Promise.resolve(1)],
    ["a promise resolving to undefined", Promise.resolve(undefined)],
    ["a rejected promise", handledRejection()],
    ["a pending promise", new Promise(() => {})],
    // biome-ignore lint/suspicious/noThenProperty: a thenable under test
    ["an object with a then method", { then: () => {} }],
    ["a class instance with then on its prototype", new Later()],
    // biome-ignore lint/suspicious/noThenProperty: a thenable under test
    ["a function with a then property", Object.assign(() => 1, { then: () => {} })],
    [
      "a proxy answering then",
      new Proxy({}, { get: (_target, key) => (key === "then" ? () => {} : undefined) }),
    ],
    ["an object whose then getter throws", throwingGetter],
  ];
}
