import type { BufferType, PutMode } from "@workers/channels";
import * as z from "zod";

/** Largest delay `setTimeout` honours; a longer one would fire after 1 ms. */
export const MAX_DELAY_MS = 2_147_483_647;

const channelName = z.string().min(1).describe("Name of a channel declared under `channels`.");

/** A worker function given inline (TypeScript/JavaScript) or a `"specifier#export"` reference. */
export const workerFnSchema: z.ZodType<string | ((...args: any[]) => unknown)> = z
  .custom<string | ((...args: any[]) => unknown)>(
    (v) => (typeof v === "string" && v.length > 0) || typeof v === "function",
    { error: 'expected a function or a "specifier#export" reference string' },
  )
  .describe(
    'The worker function: a reference "specifier#export" resolved relative to this file (the `default` export when there is no fragment), e.g. "./workers.js#resize". In TypeScript/JavaScript definitions also a function.',
  );

/** A delay in milliseconds that timers honour: 0..MAX_DELAY_MS. */
const delayMs = z.number().min(0).max(MAX_DELAY_MS);

const exponentialBackoffObject = z
  .strictObject({
    initialMs: delayMs.describe("Delay before the first retry."),
    factor: z
      .number()
      .min(1)
      .default(2)
      .describe("Each delay is the previous one times this (>= 1)."),
    maxMs: delayMs.default(MAX_DELAY_MS).describe("Cap of every delay, jitter applied after it."),
    jitter: z
      .number()
      .min(0)
      .max(1)
      .default(0)
      .describe(
        "Fraction 0..1: each delay is multiplied by a random factor in [1 - jitter, 1] (0: no jitter).",
      ),
  })
  .describe("Exponential backoff: initialMs * factor^(n - 1) before retry n, capped at maxMs.");

const backoffSchema = z
  .union([
    delayMs.describe("The same delay before every retry."),
    z.array(delayMs).min(1).describe("One delay a retry, in order; the last one repeats."),
    exponentialBackoffObject,
  ])
  .default(0)
  .describe(
    "Milliseconds to wait before a retry: a number, a list (one a retry, the last repeating) or { initialMs, factor, maxMs, jitter }. Each delay is at most 2147483647.",
  );

const retryObject = z
  .strictObject({
    attempts: z
      .int()
      .min(1)
      .default(1)
      .describe("Runs of a message in all, the first included (1: no retry)."),
    backoffMs: backoffSchema,
  })
  .describe(
    "Command workers: run a failed message again. Only the last failure is an error (event, fail channel, rejected request).",
  );

const rateLimitObject = z
  .strictObject({
    max: z.int().min(1).describe("Most runs started in any window of intervalMs."),
    intervalMs: z
      .number()
      .min(1)
      .max(MAX_DELAY_MS)
      .describe("The window, in milliseconds (a smooth token bucket: max tokens refill over it)."),
  })
  .describe(
    "Command workers: at most `max` runs start in any `intervalMs`; messages wait in the input channel meanwhile.",
  );

const channelObject = z
  .strictObject({
    buffer: z
      .int()
      .min(0)
      .default(0)
      .describe("Buffer size; 0 is an unbuffered (rendezvous) channel."),
    bufferType: z
      .enum(["fixed", "dropping", "sliding"])
      .default("fixed")
      .describe(
        "fixed: backpressure when full; dropping: drops the newest value when full; sliding: evicts the oldest. dropping and sliding need buffer >= 1.",
      ),
    putMode: z
      .enum(["async", "block", "drop"])
      .default("async")
      .describe(
        "How `command` writes into this channel when it is an exposed worker's input: async (putAsync), block (awaited put, backpressure to the caller), drop (offer; a refusal is a drop event).",
      ),
    transport: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Name of the transport this channel lives in (a key of startWorkers\' `transports` option, e.g. "nats"); in memory when absent. The runtime checks the name against the transports it is given.',
      ),
    subject: z
      .string()
      .min(1)
      .optional()
      .describe('Where the transport keeps the channel (a NATS subject such as "images.in").'),
  })
  .describe("A named channel.");

const workerObject = z
  .strictObject({
    kind: z
      .enum(["command", "ticker"])
      .describe("command: a loop over the `in` channel; ticker: a timer every `intervalMs`."),
    in: channelName
      .optional()
      .describe("Command workers: the channel the worker takes messages from."),
    workerFn: workerFnSchema.optional(),
    dispatch: z
      .enum(["go", "thread"])
      .default("go")
      .describe(
        "go: runs on the event loop (must not block it); thread: runs in the worker-thread pool (needs a reference workerFn).",
      ),
    expose: z
      .boolean()
      .default(false)
      .describe("Command workers: reachable through system.command / system.request."),
    outputChan: channelName.optional().describe("Channel each result is offered to (best effort)."),
    failChan: channelName
      .optional()
      .describe("Channel a structured error event is offered to on failure."),
    concurrency: z.int().min(1).default(1).describe("Messages processed at once (1: in order)."),
    intervalMs: z
      .number()
      .positive()
      .max(MAX_DELAY_MS)
      .optional()
      .meta({ description: "Tickers: milliseconds between ticks.", default: 1000 }),
    initialDelayMs: z
      .number()
      .min(0)
      .max(MAX_DELAY_MS)
      .optional()
      .describe("Tickers: milliseconds before the first tick (default: intervalMs)."),
    out: channelName
      .optional()
      .describe("Tickers: channel the tick numbers 0, 1, 2, ... are offered to."),
    batch: z
      .strictObject({
        size: z.int().min(1).describe("Most messages in one pool task."),
        maxWaitMs: z
          .number()
          .min(0)
          .max(MAX_DELAY_MS)
          .default(0)
          .describe("How long a partial batch waits for more messages."),
      })
      .optional()
      .describe("Thread workers: send several messages per pool task."),
    retry: retryObject.optional(),
    timeoutMs: z
      .number()
      .min(1)
      .max(MAX_DELAY_MS)
      .optional()
      .describe(
        "Command workers: a run longer than this many milliseconds is aborted (ctx.signal) and fails with a TimeoutError, which retry may retry.",
      ),
    rateLimit: rateLimitObject.optional(),
  })
  .describe("A worker.");

const definitionObject = z
  .strictObject({
    $schema: z.string().optional().describe("JSON Schema of this file, for editor completion."),
    channels: z
      .record(z.string(), channelObject)
      .default({})
      .describe("Named channels: name -> { buffer, bufferType, putMode }."),
    workers: z.record(z.string(), workerObject).describe("Named workers: name -> worker."),
  })
  .describe("A @workers/runtime topology: channels and the workers wired to them.");

/** A parsed channel (defaults filled in). */
export interface ParsedChannel {
  buffer: number;
  bufferType: BufferType;
  putMode: PutMode;
  transport?: string | undefined;
  subject?: string | undefined;
}

/** A parsed worker: common defaults filled in, kind-specific ones and the function not yet. */
export interface ParsedWorker {
  kind: "command" | "ticker";
  in?: string | undefined;
  workerFn?: string | ((...args: any[]) => unknown) | undefined;
  dispatch: "go" | "thread";
  expose: boolean;
  outputChan?: string | undefined;
  failChan?: string | undefined;
  concurrency: number;
  intervalMs?: number | undefined;
  initialDelayMs?: number | undefined;
  out?: string | undefined;
  batch?: { size: number; maxWaitMs: number } | undefined;
  retry?: ParsedRetry | undefined;
  timeoutMs?: number | undefined;
  rateLimit?: { max: number; intervalMs: number } | undefined;
}

/** A parsed `retry`: `backoffMs` as written (a number, a list or the exponential object). */
export interface ParsedRetry {
  attempts: number;
  backoffMs:
    | number
    | number[]
    | { initialMs: number; factor: number; maxMs: number; jitter: number };
}

/** A parsed definition. */
export interface ParsedDefinition {
  $schema?: string | undefined;
  channels: Record<string, ParsedChannel>;
  workers: Record<string, ParsedWorker>;
}

type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
// Compile-time guard: the hand-written shapes above are exactly what the schemas produce.
const _shapesMatch: [
  Equal<z.output<typeof channelObject>, ParsedChannel>,
  Equal<z.output<typeof workerObject>, ParsedWorker>,
  Equal<z.output<typeof definitionObject>, ParsedDefinition>,
] = [true, true, true];
void _shapesMatch;

/** Schema of one channel. */
export const channelSchema: z.ZodType<ParsedChannel> = channelObject;
/** Schema of one worker (kind-specific rules are checked after parsing). */
export const workerSchema: z.ZodType<ParsedWorker> = workerObject;
/** Schema of a whole definition, as written (the source of the published JSON Schema). */
export const definitionSchema: z.ZodType<ParsedDefinition> = definitionObject;
