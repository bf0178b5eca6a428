// The executor seam: how a worker's messages run. One executor is chosen for a worker when it
// is built (go or thread, each with a fast path when nothing wraps it); `around` (tracing) wraps
// the call, the dev guard wraps the function. Executors end messages only through `Outcomes`.

import type { Channel } from "@workers/channels";
import type { WorkerFn } from "@workers/config";
import type { MessageEnvelope } from "../system/envelope.js";
import type { WorkerHost } from "../system/host.js";
import type { Delivery } from "../transport/types.js";
import type { ModuleRef, WorkerInfo } from "../types.js";
import type { Outcomes } from "../workers/outcomes.js";
import type { Policies } from "./policies.js";
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
