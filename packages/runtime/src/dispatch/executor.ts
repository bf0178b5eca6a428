// The executor seam: how a worker's messages run. One executor is chosen for a worker when it
// is built (go or thread, each with a fast path when nothing wraps it); `around` (tracing) wraps
// the call, the dev guard wraps the function. Executors end messages only through `Outcomes`.

import type { Channel } from "@workers/channels";
import type { NormalizedRetry, WorkerFn } from "@workers/config";
import { MessageEnvelope } from "../system/envelope.js";
import type { WorkerHost } from "../system/host.js";
import type { Delivery } from "../transport/types.js";
import type { ModuleRef, WorkerInfo } from "../types.js";
import type { Outcomes } from "../workers/outcomes.js";
import type { AttemptSignal } from "./attempt-signal.js";
import type { ThreadDispatcher } from "./types.js";

/** One message as a loop hands it over. */
export interface Item {
  readonly env: MessageEnvelope | undefined;
  readonly body: unknown;
  readonly delivery: Delivery | undefined;
}

export interface Executor {
  /**
   * Processes one message. `undefined` when it ended synchronously (a go function that returned
   * a plain value or threw), else a promise that settles (never rejects) once it ended.
   */
  run(
    env: MessageEnvelope | undefined,
    body: unknown,
    delivery: Delivery | undefined,
  ): Promise<void> | undefined;
  /** Thread workers with `batch`: several messages in one pool task, each ending on its own. */
  runBatch(items: readonly Item[]): Promise<void>;
  /**
   * The synchronous core of a loop on an in-memory input: runs `first` (a value the loop took:
   * the message itself or the runtime's envelope), then what `input` holds now, one after
   * another while each ends synchronously and `loop` is not gated (a function may pause or stop
   * its worker), at most `max` in all (at least `first`). A message that goes asynchronous
   * takes one of the loop's slots (`loop.started()`) and ends the drain. Returns how many
   * messages it ran.
   */
  drain(first: unknown, input: Channel<unknown>, loop: DrainLoop, max: number): number;
}

/** What `Executor.drain` reads of the loop it runs for. */
export interface DrainLoop {
  /**
   * Paused, rate-limited or stopped: the loop passes its gate (or, stopped, returns) before it
   * takes another message. One flag, so a drain checks it once a message.
   */
  readonly gated: boolean;
  /** A message went asynchronous: it holds a slot of the loop's until it ends. */
  started(): void;
}

/** `retry` and `timeoutMs` of a command worker. */
export interface Policies {
  readonly retry?: NormalizedRetry | undefined;
  readonly timeoutMs?: number | undefined;
}

/** How a worker with policies runs one attempt of a message. */
export interface AttemptRunner {
  /** The attempt's signal source (for a go worker, its `ctx` too), under `parent`. */
  open(
    parent: AbortSignal,
    env: MessageEnvelope | undefined,
    delivery: Delivery | undefined,
    attempt: number,
  ): AttemptSignal;
  /**
   * The first attempt with its message's own `ctx` (no timeout, so no signal of its own): a
   * go worker's fast path. Absent: `open` and `call` as for every attempt.
   */
  readonly first?: ((env: MessageEnvelope | undefined, body: unknown) => unknown) | undefined;
  /** Calls the worker for the attempt. */
  call(
    signal: AttemptSignal,
    env: MessageEnvelope | undefined,
    body: unknown,
    delivery: Delivery | undefined,
    attempt: number,
  ): unknown;
}

/** What an executor is built from. */
export interface ExecutorTarget {
  readonly host: WorkerHost;
  readonly outcomes: Outcomes;
  readonly info: WorkerInfo;
  /** The function (go), already wrapped by the dev guard when it is on. */
  readonly fn: WorkerFn | undefined;
  readonly ref: ModuleRef | undefined;
  readonly dispatcher: ThreadDispatcher | undefined;
  readonly ctxChannels: Readonly<Record<string, Channel<unknown>>>;
  /** `retry` and `timeoutMs` of the worker (command workers), when it has them. */
  readonly policies: Policies;
}

const NOTHING = (): void => {};

/** `drain` of an executor whose `run` it calls for each message. */
export function drainEach(
  executor: Executor,
  first: unknown,
  input: Channel<unknown>,
  loop: DrainLoop,
  max: number,
): number {
  let value = first;
  for (let n = 1; ; n++) {
    // `typeof` first: `instanceof` with a primitive on the left still looks up the class's
    // `Symbol.hasInstance` (the imported binding is not a constant to the optimizer).
    const pending =
      typeof value === "object" && value instanceof MessageEnvelope
        ? executor.run(value, value.body, undefined)
        : executor.run(undefined, value, undefined);
    if (pending !== undefined) {
      loop.started();
      return n;
    }
    if (n >= max || loop.gated) return n;
    value = input.poll();
    if (value === undefined) return n;
  }
}

/** `runBatch` of an executor that runs a batch's messages one by one. */
export function runEach(executor: Executor, items: readonly Item[]): Promise<void> {
  const pending: Promise<void>[] = [];
  for (const item of items) {
    const p = executor.run(item.env, item.body, item.delivery);
    if (p !== undefined) pending.push(p);
  }
  return Promise.all(pending).then(NOTHING);
}
