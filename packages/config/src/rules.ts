// Rules beyond the schema: each looks at the parsed entries and reports issues with a path,
// a stable code and a fix hint. They run even when some entries failed to parse, so one pass
// reports every problem.
import { didYouMean } from "./internal/suggest.js";
import type { ParsedChannel, ParsedWorker } from "./schema.js";
import type { ConfigIssue } from "./types.js";

/** What the rules see. */
export interface RuleContext {
  /** Every name under `channels`, whether or not its entry is valid. */
  readonly declaredChannels: ReadonlySet<string>;
  /** The channel entries that parsed. */
  readonly channels: ReadonlyMap<string, ParsedChannel>;
  /** The worker entries that parsed. */
  readonly workers: ReadonlyMap<string, ParsedWorker>;
}

/** A rule: issues for a definition. */
export type Rule = (ctx: RuleContext) => ConfigIssue[];

const CHANNEL_REF_KEYS = ["in", "outputChan", "failChan", "out"] as const;

/** A command worker needs `in` and `workerFn`. */
export const commandRequiredKeys: Rule = ({ workers }) => {
  const issues: ConfigIssue[] = [];
  for (const [name, w] of workers) {
    if (w.kind !== "command") continue;
    if (w.in === undefined) {
      issues.push({
        path: ["workers", name, "in"],
        code: "required",
        message: 'a command worker needs "in": the channel it takes messages from.',
      });
    }
    if (w.workerFn === undefined) {
      issues.push({
        path: ["workers", name, "workerFn"],
        code: "required",
        message:
          'a command worker needs "workerFn": a function or a "specifier#export" reference such as "./workers.js#handle".',
      });
    }
  }
  return issues;
};

/** `in`, `outputChan`, `failChan` and `out` must name declared channels. */
export const undeclaredChannels: Rule = ({ workers, declaredChannels }) => {
  const issues: ConfigIssue[] = [];
  for (const [name, w] of workers) {
    for (const key of CHANNEL_REF_KEYS) {
      const channel = w[key];
      if (channel === undefined || declaredChannels.has(channel)) continue;
      const hint = didYouMean(channel, declaredChannels);
      issues.push({
        path: ["workers", name, key],
        code: "undeclared-channel",
        message: `channel ${JSON.stringify(channel)} is not declared.${hint} Declare it under channels, e.g. channels: { ${JSON.stringify(channel)}: { buffer: 8 } }.`,
      });
    }
  }
  return issues;
};

/** Worker policies: keys of command workers only. */
const POLICY_KEYS = ["retry", "timeoutMs", "rateLimit"] as const;

/** Tickers cannot be exposed, have no input, run one tick at a time and have no policies. */
export const tickerKeys: Rule = ({ workers }) => {
  const issues: ConfigIssue[] = [];
  for (const [name, w] of workers) {
    if (w.kind !== "ticker") continue;
    if (w.expose) {
      issues.push({
        path: ["workers", name, "expose"],
        code: "expose-on-ticker",
        message:
          'a ticker cannot be exposed: it has no input channel. Remove "expose", or make it a command worker with "in".',
      });
    }
    if (w.in !== undefined) {
      issues.push({
        path: ["workers", name, "in"],
        code: "command-only-key",
        message:
          'a ticker has no input channel. Remove "in" (tick numbers go to "out"), or use kind: "command".',
      });
    }
    if (w.concurrency > 1) {
      issues.push({
        path: ["workers", name, "concurrency"],
        code: "command-only-key",
        message: 'ticks never overlap, so a ticker has no "concurrency". Remove it.',
      });
    }
    if (w.batch !== undefined) {
      issues.push({
        path: ["workers", name, "batch"],
        code: "command-only-key",
        message: 'only command workers batch messages. Remove "batch".',
      });
    }
    for (const key of POLICY_KEYS) {
      if (w[key] === undefined) continue;
      issues.push({
        path: ["workers", name, key],
        code: "command-only-key",
        message: `"${key}" is a policy of command workers: a ticker skips a tick that finds the previous one running, and never retries one. Remove it, or use kind: "command".`,
      });
    }
  }
  return issues;
};

/** `intervalMs`, `initialDelayMs` and `out` belong to tickers. */
export const commandKeys: Rule = ({ workers }) => {
  const issues: ConfigIssue[] = [];
  for (const [name, w] of workers) {
    if (w.kind !== "command") continue;
    for (const key of ["intervalMs", "initialDelayMs", "out"] as const) {
      if (w[key] === undefined) continue;
      issues.push({
        path: ["workers", name, key],
        code: "ticker-only-key",
        message: `"${key}" is a ticker key. Remove it, or use kind: "ticker"${key === "out" ? ' (a command worker\'s results go to "outputChan")' : ""}.`,
      });
    }
  }
  return issues;
};

/** A dropping or sliding buffer needs room for at least one value. */
export const zeroSizeBuffers: Rule = ({ channels }) => {
  const issues: ConfigIssue[] = [];
  for (const [name, c] of channels) {
    if (c.bufferType === "fixed" || c.buffer > 0) continue;
    issues.push({
      path: ["channels", name, "buffer"],
      code: "zero-size-buffer",
      message: `a ${c.bufferType} buffer needs buffer >= 1 (it would drop every value). Set a buffer size, or use bufferType "fixed" for an unbuffered channel.`,
    });
  }
  return issues;
};

/** A thread worker's function must be a reference: a closure cannot cross into a worker thread. */
export const threadReferences: Rule = ({ workers }) => {
  const issues: ConfigIssue[] = [];
  for (const [name, w] of workers) {
    if (w.dispatch !== "thread" || typeof w.workerFn === "string") continue;
    if (w.workerFn === undefined && w.kind === "command") continue; // reported as required
    issues.push({
      path: ["workers", name, "workerFn"],
      code: "thread-needs-reference",
      message:
        w.workerFn === undefined
          ? 'dispatch "thread" needs a "workerFn" reference to run. Add one, or remove dispatch.'
          : 'dispatch "thread" needs a "specifier#export" reference: a function value cannot cross into a worker thread. Export the function from a module and write e.g. "./workers.js#handle", or use dispatch "go".',
    });
  }
  return issues;
};

/** `batch` groups messages into one thread-pool task, so it needs `dispatch: "thread"`. */
export const batchOnThreads: Rule = ({ workers }) => {
  const issues: ConfigIssue[] = [];
  for (const [name, w] of workers) {
    if (w.batch === undefined || w.kind !== "command" || w.dispatch === "thread") continue;
    issues.push({
      path: ["workers", name, "batch"],
      code: "batch-needs-thread",
      message: 'batch applies to thread workers only. Set dispatch: "thread", or remove "batch".',
    });
  }
  return issues;
};

/** Errors: every rule whose issues make a definition invalid. */
export const errorRules: readonly Rule[] = [
  commandRequiredKeys,
  undeclaredChannels,
  tickerKeys,
  commandKeys,
  zeroSizeBuffers,
  threadReferences,
  batchOnThreads,
];

/** Warning: a declared channel no worker reads or writes. */
export const unusedChannels: Rule = ({ workers, channels }) => {
  const used = new Set<string>();
  for (const w of workers.values()) {
    for (const key of CHANNEL_REF_KEYS) {
      const c = w[key];
      if (c !== undefined) used.add(c);
    }
  }
  const issues: ConfigIssue[] = [];
  for (const name of channels.keys()) {
    if (used.has(name)) continue;
    issues.push({
      path: ["channels", name],
      code: "unused-channel",
      message: `no worker reads or writes channel ${JSON.stringify(name)}. Wire it to a worker (in, outputChan, failChan, out) or remove it; application code can still use it through system.channels.`,
    });
  }
  return issues;
};

/** Warning: a ticker with neither a function nor an `out` channel does nothing. */
export const idleTickers: Rule = ({ workers }) => {
  const issues: ConfigIssue[] = [];
  for (const [name, w] of workers) {
    if (w.kind !== "ticker" || w.workerFn !== undefined || w.out !== undefined) continue;
    issues.push({
      path: ["workers", name],
      code: "ticker-without-target",
      message:
        'this ticker has neither "workerFn" nor "out", so its ticks go nowhere. Add one of them.',
    });
  }
  return issues;
};

/** Warnings: returned beside a valid definition. */
export const warningRules: readonly Rule[] = [unusedChannels, idleTickers];
