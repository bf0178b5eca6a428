// `ctx.channels` holds real channels for every `@workers/channels` function, instrumented
// (an `inject` hook: views whose puts inject) or not: alts, pipe, mult, merge, putWith.
import { alts, chan, merge, mult, pipe, putWith, tap, toArray } from "@workers/channels";
import { describe, expect, it } from "vitest";
import { startWorkers, type WorkersSystem } from "../src/index.js";

type Ctx = { channels: Record<string, import("@workers/channels").Channel<unknown>> };

const injecting = () => {
  const injected: { channel: string; workerId?: string }[] = [];
  return {
    injected,
    obs: {
      emit: () => {},
      inject: (headers: Record<string, string>, info: { channel: string; workerId?: string }) => {
        headers.trace = `from:${info.workerId ?? "caller"}`;
        injected.push(info);
      },
    },
  };
};

describe.each([
  ["instrumented", true],
  ["not instrumented", false],
])("ctx.channels, %s", (_label, instrumented) => {
  it("work with alts (take and put), pipe, mult, merge and putWith", async () => {
    const hooks = injecting();
    const results: unknown[] = [];
    const system: WorkersSystem<any> = await startWorkers(
      {
        channels: {
          in: { buffer: 4 },
          side: { buffer: 4 },
          copy: { buffer: 8 },
          next: { buffer: 8 },
        },
        workers: {
          w: {
            kind: "command",
            in: "in",
            expose: true,
            workerFn: async (ctx: Ctx, n: number) => {
              const { side, copy } = ctx.channels;
              // alts put and take on ctx channels: the result names the channel passed in.
              const put = await alts([[side!, n]] as const);
              results.push(put.channel === side && put.value === true);
              const took = await alts([side!, chan(1)], { priority: true });
              results.push(took.channel === side && took.value === n);
              // putWith, pipe, mult and merge accept them too.
              results.push(await putWith(copy!, n * 10, "block"));
              const src = chan<number>(2);
              const done = pipe(src, side!, { close: false });
              src.offer(n + 100);
              src.close();
              await done;
              const m = mult(side!);
              const out = chan<unknown>(2);
              tap(m, out, false);
              const merged = merge([out]);
              const first = await merged.take();
              results.push(first);
              return n;
            },
          },
          sink: { kind: "command", in: "next", workerFn: () => {} },
        },
      } as never,
      instrumented ? { observability: hooks.obs } : { obs: () => {} },
    );
    expect(await system.request("w", 1)).toBe(1);
    await system.stop();
    expect(results).toEqual([true, true, true, 101]);
    expect(await toArray(system.channels.copy!)).toEqual([10]);
    if (instrumented) {
      // Every ctx put injected in the worker's name; none for the channels' own traffic.
      expect(hooks.injected.filter((i) => i.workerId === "w").map((i) => i.channel)).toEqual([
        "side",
        "copy",
        "side",
      ]);
    } else {
      expect(hooks.injected).toEqual([]);
    }
  });

  it("a ctx put onto a worker's input travels in an envelope with injected headers", async () => {
    const hooks = injecting();
    const seen: unknown[] = [];
    const system: WorkersSystem<any> = await startWorkers(
      {
        channels: { a: { buffer: 2 }, b: { buffer: 2 } },
        workers: {
          first: {
            kind: "command",
            in: "a",
            expose: true,
            workerFn: async (ctx: Ctx, n: number) => {
              await alts([[ctx.channels.b!, n + 1]] as const);
            },
          },
          second: {
            kind: "command",
            in: "b",
            workerFn: (ctx: Ctx & { headers: Record<string, string> }, n: number) => {
              seen.push([n, ctx.headers.trace]);
            },
          },
        },
      } as never,
      instrumented ? { observability: hooks.obs } : { obs: () => {} },
    );
    await system.request("first", 1);
    await system.stop();
    expect(seen).toEqual([[2, instrumented ? "from:first" : undefined]]);
  });
});

it("ctx channels of an instrumented system are views of the system's channels", async () => {
  const hooks = injecting();
  let inner: unknown;
  const system: WorkersSystem<any> = await startWorkers(
    {
      channels: { a: { buffer: 2 }, b: { buffer: 2 } },
      workers: {
        first: {
          kind: "command",
          in: "a",
          expose: true,
          workerFn: (ctx: Ctx) => {
            inner = ctx.channels.b;
            return ctx.channels.b!.offer("x");
          },
        },
      },
    } as never,
    { observability: hooks.obs },
  );
  await system.request("first", 1);
  expect(inner).not.toBe(system.channels.b);
  // b is no worker's input: the value itself, after `inject` ran in the worker's name.
  expect(system.channels.b!.poll()).toBe("x");
  expect(hooks.injected).toContainEqual({ channel: "b", workerId: "first" });
  await system.stop();
});
