import { describe, expectTypeOf, it } from "vitest";
import {
  type BackoffSchedule,
  backoffDelay,
  type ChannelName,
  defineWorkers,
  type ExposedWorkerName,
  type MessageOf,
  type NormalizedDefinition,
  type NormalizedWorker,
  type ResultOf,
  type WorkerFn,
  type WorkersDefinitionInput,
} from "../src/index.js";

interface Job {
  id: string;
  size: number;
}

const definition = defineWorkers({
  channels: {
    "jobs/in": { buffer: 8, putMode: "block" },
    "jobs/out": { buffer: 8 },
    ticks: { buffer: 1, bufferType: "sliding" },
  },
  workers: {
    jobs: {
      kind: "command",
      in: "jobs/in",
      workerFn: async (_ctx: unknown, job: Job) => ({ done: job.id }),
      expose: true,
      outputChan: "jobs/out",
    },
    sizes: {
      kind: "command",
      in: "jobs/in",
      workerFn: (_ctx: unknown, job: Job) => job.size,
      expose: true,
      concurrency: 4,
    },
    internal: { kind: "command", in: "jobs/out", workerFn: (_ctx: unknown, n: number) => n },
    hidden: { kind: "command", in: "jobs/out", workerFn: () => 0, expose: false },
    threaded: {
      kind: "command",
      in: "jobs/in",
      workerFn: "./workers.js#run",
      dispatch: "thread",
      expose: true,
    },
    clock: { kind: "ticker", intervalMs: 500, out: "ticks" },
  },
});
type D = typeof definition;

// What a runtime's typed `command` looks like, built on the helper types.
declare function command<W extends ExposedWorkerName<D>>(
  name: W,
  msg: MessageOf<D, W>,
): Promise<boolean>;
declare function request<W extends ExposedWorkerName<D>>(
  name: W,
  msg: MessageOf<D, W>,
): Promise<ResultOf<D, W>>;

describe("defineWorkers", () => {
  it("keeps literal types", () => {
    expectTypeOf(definition.workers.jobs.kind).toEqualTypeOf<"command">();
    expectTypeOf(definition.channels.ticks.bufferType).toEqualTypeOf<"sliding">();
    expectTypeOf(definition.workers.threaded.workerFn).toEqualTypeOf<"./workers.js#run">();
  });

  it("rejects an unknown kind and a wrong bufferType", () => {
    defineWorkers({
      // @ts-expect-error: "cmd" is not a worker kind
      workers: { w: { kind: "cmd", in: "x", workerFn: () => 1 } },
    });
    defineWorkers({
      // @ts-expect-error: "drop" is a put mode, not a buffer type
      channels: { c: { bufferType: "drop" } },
      workers: {},
    });
  });

  it("requires in and workerFn on command workers", () => {
    defineWorkers({
      // @ts-expect-error: a command worker needs in
      workers: { w: { kind: "command", workerFn: () => 1 } },
    });
  });
});

describe("worker policies", () => {
  const withPolicies = defineWorkers({
    channels: { in: {} },
    workers: {
      listed: {
        kind: "command",
        in: "in",
        workerFn: (_ctx: unknown, n: number) => n,
        expose: true,
        retry: { attempts: 3, backoffMs: [100, 1000] },
        timeoutMs: 5000,
        rateLimit: { max: 10, intervalMs: 1000 },
      },
      exponential: {
        kind: "command",
        in: "in",
        workerFn: "./workers.js#run",
        retry: { backoffMs: { initialMs: 100, jitter: 0.2 } },
      },
      fixed: { kind: "command", in: "in", workerFn: () => 1, retry: { backoffMs: 250 } },
    },
  });

  it("keeps their literal types and leaves the helper types alone", () => {
    expectTypeOf(withPolicies.workers.listed.retry.backoffMs).toEqualTypeOf<readonly [100, 1000]>();
    expectTypeOf(withPolicies.workers.exponential.retry.backoffMs.initialMs).toEqualTypeOf<100>();
    expectTypeOf(withPolicies.workers.listed.rateLimit).toEqualTypeOf<{
      readonly max: 10;
      readonly intervalMs: 1000;
    }>();
    expectTypeOf<ExposedWorkerName<typeof withPolicies>>().toEqualTypeOf<"listed">();
    expectTypeOf<MessageOf<typeof withPolicies, "listed">>().toEqualTypeOf<number>();
  });

  it("are keys of command workers only, with their shapes", () => {
    defineWorkers({
      // @ts-expect-error: a ticker has no retry
      workers: { t: { kind: "ticker", intervalMs: 10, retry: { attempts: 2 } } },
    });
    defineWorkers({
      // @ts-expect-error: a ticker has no timeoutMs
      workers: { t: { kind: "ticker", timeoutMs: 10 } },
    });
    defineWorkers({
      // @ts-expect-error: backoffMs is a number, a list or { initialMs, ... }
      workers: { w: { kind: "command", in: "x", workerFn: () => 1, retry: { backoffMs: "1s" } } },
    });
    defineWorkers({
      workers: {
        // @ts-expect-error: an exponential backoff needs initialMs
        w: { kind: "command", in: "x", workerFn: () => 1, retry: { backoffMs: { factor: 2 } } },
      },
    });
    defineWorkers({
      // @ts-expect-error: rateLimit needs intervalMs
      workers: { w: { kind: "command", in: "x", workerFn: () => 1, rateLimit: { max: 1 } } },
    });
  });

  it("normalize to the shape the runtime reads", () => {
    expectTypeOf<NormalizedWorker["retry"]>().toEqualTypeOf<
      | {
          attempts: number;
          backoffMs:
            | readonly number[]
            | { initialMs: number; factor: number; maxMs: number; jitter: number };
        }
      | undefined
    >();
    expectTypeOf<NormalizedWorker["timeoutMs"]>().toEqualTypeOf<number | undefined>();
    expectTypeOf<NormalizedWorker["rateLimit"]>().toEqualTypeOf<
      { max: number; intervalMs: number } | undefined
    >();
  });

  it("backoffDelay takes a normalized schedule, a retry number and an optional random", () => {
    expectTypeOf(backoffDelay).toEqualTypeOf<
      (backoffMs: BackoffSchedule, retryNumber: number, random?: () => number) => number
    >();
    const def = {} as NormalizedDefinition;
    const retry = def.workers.w?.retry;
    if (retry !== undefined) expectTypeOf(backoffDelay(retry.backoffMs, 1)).toBeNumber();
    // @ts-expect-error: a number as written is normalized to a list first
    backoffDelay(100, 1);
  });
});

describe("helper types", () => {
  it("ChannelName lists the declared channels", () => {
    expectTypeOf<ChannelName<D>>().toEqualTypeOf<"jobs/in" | "jobs/out" | "ticks">();
  });

  it("ExposedWorkerName lists the exposed workers only", () => {
    expectTypeOf<ExposedWorkerName<D>>().toEqualTypeOf<"jobs" | "sizes" | "threaded">();
  });

  it("MessageOf and ResultOf follow the worker function", () => {
    expectTypeOf<MessageOf<D, "jobs">>().toEqualTypeOf<Job>();
    expectTypeOf<ResultOf<D, "jobs">>().toEqualTypeOf<{ done: string }>();
    expectTypeOf<ResultOf<D, "sizes">>().toEqualTypeOf<number>();
    expectTypeOf<MessageOf<D, "internal">>().toEqualTypeOf<number>();
  });

  it("gives unknown for a string reference", () => {
    expectTypeOf<MessageOf<D, "threaded">>().toBeUnknown();
    expectTypeOf<ResultOf<D, "threaded">>().toBeUnknown();
  });

  it("checks worker names and messages of a typed command", () => {
    expectTypeOf(command("jobs", { id: "a", size: 1 })).toEqualTypeOf<Promise<boolean>>();
    expectTypeOf(request("sizes", { id: "a", size: 1 })).toEqualTypeOf<Promise<number>>();
    command("threaded", { anything: true });
    // @ts-expect-error: no worker of that name
    command("job", { id: "a", size: 1 });
    // @ts-expect-error: not exposed
    command("internal", 1);
    // @ts-expect-error: expose: false
    command("hidden", 0);
    // @ts-expect-error: a ticker is never exposed
    command("clock", 0);
    // @ts-expect-error: wrong message type
    command("jobs", { id: 1, size: 1 });
    // @ts-expect-error: missing field
    command("sizes", { id: "a" });
  });

  it("degrades to string names on the wide input type", () => {
    expectTypeOf<ExposedWorkerName<WorkersDefinitionInput>>().toEqualTypeOf<string>();
    expectTypeOf<ChannelName<WorkersDefinitionInput>>().toEqualTypeOf<string>();
    expectTypeOf<MessageOf<WorkersDefinitionInput, string>>().toBeUnknown();
  });

  it("degrades to string names and any messages on a normalized definition", () => {
    expectTypeOf<ExposedWorkerName<NormalizedDefinition>>().toEqualTypeOf<string>();
    expectTypeOf<ChannelName<NormalizedDefinition>>().toEqualTypeOf<string>();
    expectTypeOf<MessageOf<NormalizedDefinition, "x">>().toBeAny();
  });

  it("WorkerFn takes ctx and message and may be async", () => {
    expectTypeOf<WorkerFn<{ c: 1 }, Job, number>>().toEqualTypeOf<
      (ctx: { c: 1 }, msg: Job) => number | Promise<number>
    >();
  });
});

describe("the README's TypeScript definition", () => {
  it("types its exposed workers and messages", async () => {
    const { definition: example } = await import("../examples/definition.js");
    type E = typeof example;
    expectTypeOf<ExposedWorkerName<E>>().toEqualTypeOf<"download" | "resize">();
    expectTypeOf<MessageOf<E, "resize">>().toEqualTypeOf<{ url: string; width: number }>();
    expectTypeOf<ResultOf<E, "resize">>().toEqualTypeOf<{ url: string; width: number }>();
    expectTypeOf<MessageOf<E, "download">>().toBeUnknown();
  });
});
