// `system.onEvent(type?)`: the system's events as an async iterator, for code that prefers
// pulling to passing an emitter component. It ends after `workers.stop`.

import type { CustomEvent, WorkersEvent } from "../types.js";
import type { SystemCore } from "./core.js";

type AnyEvent = WorkersEvent | CustomEvent;

export function eventStream(
  core: SystemCore,
  type: string | undefined,
): AsyncIterableIterator<AnyEvent> {
  // Events wait here until read: a reader that stops reading should `break` (or call `return`).
  const queue: AnyEvent[] = [];
  let head = 0;
  let wake: ((result: IteratorResult<AnyEvent, undefined>) => void) | undefined;
  let ended = core.phase === "stopped";
  const end = (): void => {
    ended = true;
    core.taps.delete(tap);
    const w = wake;
    wake = undefined;
    w?.({ value: undefined, done: true });
  };
  const tap = (event: AnyEvent): void => {
    if (type === undefined || event.type === type) {
      const w = wake;
      if (w !== undefined) {
        wake = undefined;
        w({ value: event, done: false });
      } else queue.push(event);
    }
    if (event.type === "workers.stop") end();
  };
  if (!ended) core.taps.add(tap);
  const iterator: AsyncIterableIterator<AnyEvent> = {
    next(): Promise<IteratorResult<AnyEvent, undefined>> {
      if (head < queue.length) {
        const value = queue[head]!;
        queue[head++] = undefined as never;
        if (head === queue.length) {
          queue.length = 0;
          head = 0;
        }
        return Promise.resolve({ value, done: false });
      }
      if (ended) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => {
        wake = resolve;
      });
    },
    return(): Promise<IteratorResult<AnyEvent, undefined>> {
      queue.length = 0;
      head = 0;
      end();
      return Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
