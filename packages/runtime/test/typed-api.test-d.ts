import type { Channel } from "@workers/channels";
import { defineWorkers } from "@workers/config";
import { describe, expectTypeOf, it } from "vitest";
import {
  startWorkers,
  type WorkerContext,
  type WorkersEvent,
  type WorkersSystem,
} from "../src/index.js";

const definition = defineWorkers({
  channels: { "images/in": { buffer: 4 }, "images/out": { buffer: 4 }, "jobs/in": {} },
  workers: {
    imageDownload: {
      kind: "command",
      in: "images/in",
      expose: true,
      outputChan: "images/out",
      workerFn: async (_ctx: WorkerContext, msg: { url: string }) => ({ bytes: msg.url.length }),
    },
    jobs: { kind: "command", in: "jobs/in", workerFn: (_ctx: WorkerContext, n: number) => n },
    tick: { kind: "ticker", intervalMs: 10 },
  },
});

describe("typed system", () => {
  it("checks worker names, messages and results from the definition", async () => {
    const system = await startWorkers(definition);
    expectTypeOf(system).toEqualTypeOf<WorkersSystem<typeof definition>>();
    expectTypeOf(system.command<"imageDownload">)
      .parameter(1)
      .toEqualTypeOf<{ url: string }>();
    expectTypeOf(system.request("imageDownload", { url: "u" })).resolves.toEqualTypeOf<{
      bytes: number;
    }>();
    expectTypeOf(system.command("imageDownload", { url: "u" })).resolves.toBeBoolean();
    // @ts-expect-error: not exposed
    void system.command("jobs", 1);
    // @ts-expect-error: a ticker is never exposed
    void system.command("tick", 1);
    // @ts-expect-error: wrong message type
    void system.request("imageDownload", { url: 1 });
    // @ts-expect-error: unknown worker
    void system.request("nope", {});
    expectTypeOf(system.channels["images/out"]).toEqualTypeOf<Channel<unknown>>();
    // @ts-expect-error: undeclared channel
    void system.channels["images/store"];
  });

  it("an untyped system takes any name and message", async () => {
    const system = await startWorkers({ channels: {}, workers: {} } as never);
    const loose: WorkersSystem<any> = system;
    void loose.command("anything", { any: "message" });
    expectTypeOf(loose.request("x", 1)).resolves.toBeAny();
  });

  it("an emitter typed for runtime events fits components.obs", async () => {
    const emit = (event: WorkersEvent): void => {
      void event;
    };
    await startWorkers(definition, { obs: emit });
    await startWorkers(definition, { logger: console });
  });
});
