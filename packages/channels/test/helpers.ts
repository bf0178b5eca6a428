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

/**
 * Runs `body` with the process's unhandled-rejection listeners replaced by a recorder, and
 * returns the reasons recorded (a combinator's background loop has no caller to reject).
 */
export async function unhandledRejections(body: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const previous = process.listeners("unhandledRejection");
  const record = (reason: unknown): void => {
    seen.push(reason);
  };
  process.removeAllListeners("unhandledRejection");
  process.on("unhandledRejection", record);
  try {
    await body();
    await flush();
  } finally {
    process.off("unhandledRejection", record);
    for (const listener of previous) process.on("unhandledRejection", listener);
  }
  return seen;
}
