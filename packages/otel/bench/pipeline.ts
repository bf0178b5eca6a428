// A 3-stage go pipeline through the runtime: command -> a -> b -> c -> "out".
// Each message makes three puts and three processings (3 send + 3 process spans with otel).
import { startWorkers } from "@workers/runtime";

export interface Pipeline {
  round(n: number): Promise<void>;
  stop(): Promise<void>;
}

type Ctx = { channels: Record<string, { put(v: unknown): Promise<boolean> }> };

export async function startPipeline(obs: object | undefined): Promise<Pipeline> {
  const definition = {
    channels: {
      "a/in": { buffer: 256, putMode: "block" as const },
      "b/in": { buffer: 256 },
      "c/in": { buffer: 256 },
      out: { buffer: 256 },
    },
    workers: {
      a: {
        kind: "command" as const,
        in: "a/in",
        expose: true,
        workerFn: async (ctx: Ctx, msg: number) => {
          await ctx.channels["b/in"]!.put(msg + 1);
        },
      },
      b: {
        kind: "command" as const,
        in: "b/in",
        workerFn: async (ctx: Ctx, msg: number) => {
          await ctx.channels["c/in"]!.put(msg + 1);
        },
      },
      c: {
        kind: "command" as const,
        in: "c/in",
        outputChan: "out",
        workerFn: (_ctx: Ctx, msg: number) => msg + 1,
      },
    },
  };
  const system = await startWorkers(
    definition as never,
    (obs === undefined ? {} : { obs }) as never,
  );
  const out = (system.channels as Record<string, { take(): Promise<unknown> }>).out!;
  return {
    async round(n) {
      const drained = (async () => {
        for (let i = 0; i < n; i++) await out.take();
      })();
      for (let i = 0; i < n; i++) await system.command("a" as never, i as never);
      await drained;
    },
    stop: () => system.stop(),
  };
}
