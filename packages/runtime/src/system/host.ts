// The narrow side of the system that workers, executors and `ctx` see. They are handed this,
// never the system: nothing below the system imports it.

import type { Channel } from "@workers/channels";
import type { ResolvedObservability } from "../observability/observability.js";
import type {
  Components,
  CustomEvent,
  DropEventReason,
  StatsSnapshot,
  WorkerInfo,
  WorkersEvent,
} from "../types.js";
import type { MessageEnvelope } from "./envelope.js";

/** A worker as its error events name it. */
export interface ErrorSource {
  readonly name: string;
  readonly info: WorkerInfo;
  readonly inChannel: string | undefined;
  readonly failChan: string | undefined;
}

export interface WorkerHost {
  readonly components: Components;
  readonly obs: ResolvedObservability;
  /** `ctx.signal` of messages without their own; aborted at `stop`'s deadline. */
  readonly stopSignal: AbortSignal;
  /** Aborted when `stop` begins. */
  readonly stopping: AbortSignal;
  readonly stats: () => StatsSnapshot;
  readonly emit: (event: WorkersEvent | CustomEvent) => void;
  /** Every channel by name (no prototype). */
  readonly channels: Readonly<Record<string, Channel<unknown>>>;
  /** Whether a channel lives in memory (`@workers/channels`), not in another transport. */
  isInMemory(channel: string): boolean;
  /** `ctx.channels` of a worker. */
  channelsFor(workerId: string): Readonly<Record<string, Channel<unknown>>>;
  /** Offers a value on behalf of a worker; a refusal is a drop with `reason`. */
  deliver(channel: string, value: unknown, workerId: string, reason: DropEventReason): boolean;
  drop(reason: DropEventReason, channel: string, msg: unknown, workerId: string | undefined): void;
  reportError(source: ErrorSource, msg: unknown, error: unknown): void;
  /** A message that will never be processed because of `stop`. */
  shutdownDrop(
    workerId: string,
    channel: string | undefined,
    env: MessageEnvelope | undefined,
    body: unknown,
  ): void;
  /** A message handed back to its transport at `stop` (still there for the next consumer). */
  returned(env: MessageEnvelope | undefined): void;
  /** A message finished or a loop went idle: a draining `stop` checks for quiescence. */
  progress(): void;
}
