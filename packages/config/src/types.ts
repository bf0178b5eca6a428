import type { BufferType, PutMode } from "@workers/channels";

export type { BufferType, PutMode };

/** The two worker kinds: a loop over an input channel, or a timer. */
export type WorkerKind = "command" | "ticker";

/** Where a worker function runs: on the event loop, or in the system's worker-thread pool. */
export type Dispatch = "go" | "thread";

/**
 * A worker function: called with the runtime's context and one message (for a ticker, the tick
 * number). Its result goes to the worker's `outputChan`; a throw or rejection is a worker error.
 */
export type WorkerFn<Ctx = any, M = any, R = unknown> = (ctx: Ctx, msg: M) => R | Promise<R>;

/**
 * A function reference: `"specifier#export"`, resolved with `import()` relative to the
 * definition's file (or the `baseUrl` option). Without a fragment the `default` export is used.
 *
 * @example "./workers.js#resize", "my-lib/workers#download", "#app/workers#commands"
 */
export type WorkerFnRef = string;

/** A channel as written in a definition. */
export interface ChannelInput {
  /** Buffer size; 0 is an unbuffered (rendezvous) channel. @default 0 */
  readonly buffer?: number;
  /** @default "fixed" */
  readonly bufferType?: BufferType;
  /** How `command` writes into this channel when it is an exposed worker's `in`. @default "async" */
  readonly putMode?: PutMode;
  /**
   * The transport the channel lives in: a key of the runtime's `transports` option (e.g.
   * `"nats"`). In memory when absent. The runtime checks the name, not the definition.
   */
  readonly transport?: string;
  /** Where the transport keeps the channel, e.g. a NATS subject `"images.in"`. */
  readonly subject?: string;
}

/** Several messages per thread-pool task (thread workers only). */
export interface BatchInput {
  /** Most messages in one task (integer >= 1). */
  readonly size: number;
  /** How long a partial batch waits for more messages. @default 0 */
  readonly maxWaitMs?: number;
}

/**
 * Exponential backoff: `initialMs * factor^(n - 1)` before retry `n`, capped at `maxMs`, then
 * multiplied by a random factor in `[1 - jitter, 1]`.
 */
export interface ExponentialBackoffInput {
  /** Delay before the first retry, 0..2147483647 ms. */
  readonly initialMs: number;
  /** Growth of each delay over the previous one (>= 1). @default 2 */
  readonly factor?: number;
  /** Cap of every delay (it caps `initialMs` too), 0..2147483647 ms. @default 2147483647 */
  readonly maxMs?: number;
  /** Fraction 0..1 a delay may be shortened by at random (0: none). @default 0 */
  readonly jitter?: number;
}

/**
 * Milliseconds to wait before a retry: the same delay every time, a list (one delay a retry, the
 * last repeating) or an exponential schedule. Every delay is within 0..2147483647 ms.
 */
export type BackoffInput = number | readonly number[] | ExponentialBackoffInput;

/** Runs a failed message again (command workers). */
export interface RetryInput {
  /** Runs of a message in all, the first included (integer >= 1; 1: no retry). @default 1 */
  readonly attempts?: number;
  /** Delay before each retry. @default 0 */
  readonly backoffMs?: BackoffInput;
}

/** At most `max` runs start in any window of `intervalMs` (command workers; a token bucket). */
export interface RateLimitInput {
  /** Integer >= 1. */
  readonly max: number;
  /** 1..2147483647 ms. */
  readonly intervalMs: number;
}

interface WorkerInputBase {
  /** @default "go" */
  readonly dispatch?: Dispatch;
  /** Channel that receives each result, by `offer` (best effort). */
  readonly outputChan?: string;
  /** Channel that receives a structured event for each failure, by `offer`. */
  readonly failChan?: string;
  /** Messages in flight at once. @default 1 */
  readonly concurrency?: number;
  /** Thread workers only. */
  readonly batch?: BatchInput;
}

/** A command worker: takes messages from `in` and calls `workerFn(ctx, msg)`. */
export interface CommandWorkerInput extends WorkerInputBase {
  readonly kind: "command";
  /** Input channel. */
  readonly in: string;
  readonly workerFn: WorkerFn | WorkerFnRef;
  /** Make the worker reachable through `system.command` / `system.request`. @default false */
  readonly expose?: boolean;
  /** Run a failed message again, up to `attempts` runs in all. @default no retry */
  readonly retry?: RetryInput;
  /** A run longer than this (1..2147483647 ms) is aborted and fails with a `TimeoutError`. */
  readonly timeoutMs?: number;
  /** At most `max` runs start in any window of `intervalMs`. */
  readonly rateLimit?: RateLimitInput;
}

/** A ticker: every `intervalMs`, offers the tick number to `out` and/or calls `workerFn(ctx, tick)`. */
export interface TickerWorkerInput extends WorkerInputBase {
  readonly kind: "ticker";
  /** @default 1000 */
  readonly intervalMs?: number;
  /** Delay before the first tick. @default intervalMs */
  readonly initialDelayMs?: number;
  /** Channel that tick numbers 0, 1, 2, ... are offered to. */
  readonly out?: string;
  readonly workerFn?: WorkerFn | WorkerFnRef;
  /** Command workers only: a ticker skips a tick that finds the previous one running. */
  readonly retry?: never;
  /** Command workers only. */
  readonly timeoutMs?: never;
  /** Command workers only. */
  readonly rateLimit?: never;
}

/** A worker as written in a definition. */
export type WorkerInput = CommandWorkerInput | TickerWorkerInput;

/** A workers definition as written (TypeScript, or JSON/YAML after parsing). */
export interface WorkersDefinitionInput {
  /** Editor hint for JSON/YAML files; ignored. */
  readonly $schema?: string;
  readonly channels?: { readonly [name: string]: ChannelInput };
  readonly workers: { readonly [name: string]: WorkerInput };
}

/** A channel with its defaults filled in. */
export interface NormalizedChannel {
  buffer: number;
  bufferType: BufferType;
  putMode: PutMode;
  /** The transport's name, when the channel does not live in memory. */
  transport?: string;
  /** Where the transport keeps the channel. */
  subject?: string;
}

/** A normalized exponential backoff: every field filled in. */
export interface ExponentialBackoff {
  initialMs: number;
  factor: number;
  maxMs: number;
  jitter: number;
}

/**
 * A normalized backoff: a list of delays (one a retry, the last repeating; a number as written
 * becomes a list of one) or an exponential schedule. `backoffDelay` computes a delay from it.
 */
export type BackoffSchedule = readonly number[] | ExponentialBackoff;

/** A normalized `retry`. */
export interface NormalizedRetry {
  /** Runs of a message in all, the first included (>= 1). */
  attempts: number;
  backoffMs: BackoffSchedule;
}

/** A normalized `rateLimit`. */
export interface NormalizedRateLimit {
  max: number;
  intervalMs: number;
}

/** A worker with its defaults filled in and its function resolved. */
export interface NormalizedWorker {
  /** The worker's key in `workers`. */
  name: string;
  kind: WorkerKind;
  /** Input channel (command workers). */
  in?: string;
  /** The resolved function; always present for command workers. */
  workerFn?: WorkerFn;
  /** Present when `workerFn` was given as a `"specifier#export"` reference. */
  workerRef?: { url: string; exportName: string };
  dispatch: Dispatch;
  expose: boolean;
  outputChan?: string;
  failChan?: string;
  concurrency: number;
  /** Ticker period (tickers; default 1000). */
  intervalMs?: number;
  /** Delay before the first tick (tickers; default `intervalMs`). */
  initialDelayMs?: number;
  /** Channel tick numbers are offered to (tickers). */
  out?: string;
  /** Several messages per pool task (thread workers only). */
  batch?: { size: number; maxWaitMs: number };
  /** Retry policy (command workers); absent when the definition has no `retry`. */
  retry?: NormalizedRetry;
  /** Longest run in ms before it is aborted (command workers). */
  timeoutMs?: number;
  /** Most runs started in a window (command workers). */
  rateLimit?: NormalizedRateLimit;
}

/** A validated definition: defaults filled in, references resolved. */
export interface NormalizedDefinition {
  channels: Record<string, NormalizedChannel>;
  workers: Record<string, NormalizedWorker>;
}

/** One problem found in a definition. `message` says what is wrong and how to fix it. */
export interface ConfigIssue {
  /** Where, from the definition's root: `["workers", "resize", "in"]`. */
  path: (string | number)[];
  /** Stable identifier, e.g. `"undeclared-channel"` (see `IssueCode`). */
  code: string;
  message: string;
  /** The underlying error (import and file errors). */
  cause?: unknown;
  /** 1-based line of the offending key in the file (`loadDefinition` of JSON and YAML). */
  line?: number;
  /** 1-based column of the offending key in the file. */
  column?: number;
}

/** What `validateDefinition` resolves to. */
export type ValidationResult =
  | { ok: true; definition: NormalizedDefinition; warnings: ConfigIssue[] }
  | { ok: false; issues: ConfigIssue[] };

/** Options of `validateDefinition` and `parseDefinition`. */
export interface ValidateOptions {
  /**
   * What relative function references resolve against: the definition file's URL or path, or a
   * directory URL ending in `/`. @default the current working directory
   */
  baseUrl?: string | URL;
}

// ---- helper types for typed command/request ----

type WorkersOf<D> = D extends { readonly workers: infer W } ? W : never;

/** Names of the channels declared by a definition. */
export type ChannelName<D> = D extends { readonly channels?: infer C }
  ? keyof NonNullable<C> & string
  : never;

// Distributes over a union of worker types (the wide `WorkerInput`): exposed if any member may be.
type MayBeExposed<W> = W extends { readonly expose?: infer E }
  ? true extends E
    ? true
    : false
  : false;

/** Names of a definition's exposed command workers (those `system.command` accepts). */
export type ExposedWorkerName<D> = {
  [K in keyof WorkersOf<D> & string]: true extends MayBeExposed<WorkersOf<D>[K]> ? K : never;
}[keyof WorkersOf<D> & string];

type FnOf<D, W> = W extends keyof WorkersOf<D>
  ? WorkersOf<D>[W] extends { readonly workerFn?: infer F }
    ? F
    : never
  : never;

/** The message type a worker's function takes (`unknown` for a string reference). */
export type MessageOf<D, W> = FnOf<D, W> extends (ctx: any, msg: infer M) => any ? M : unknown;

/** What a worker's function resolves to (`unknown` for a string reference). */
export type ResultOf<D, W> = FnOf<D, W> extends (...args: any[]) => infer R ? Awaited<R> : unknown;
