import { ConfigError, defineWorkers, parseDefinition } from "@workers/config";
import { describe, expect, it, vi } from "vitest";
import {
  StartError,
  StoppedError,
  startWorkers,
  type WorkersSystem,
  workersComponent,
} from "../src/index.js";
import { recorder } from "./helpers.js";

const definition = defineWorkers({
  channels: { in: { buffer: 2 } },
  workers: {
    echo: { kind: "command", in: "in", expose: true, workerFn: (_c, s: string) => s },
    tick: { kind: "ticker", intervalMs: 60_000, workerFn: () => {} },
  },
});

describe("startWorkers", () => {
  it("rejects a definition that does not validate with ConfigError listing every issue", async () => {
    const bad = startWorkers({
      channels: { in: { buffer: -1 } },
      workers: {
        a: { kind: "command", in: "missing", workerFn: () => {} },
        b: { kind: "ticker", expose: true } as never,
      },
    });
    await expect(bad).rejects.toBeInstanceOf(ConfigError);
    const error = (await bad.catch((e: unknown) => e)) as ConfigError;
    expect(error.code).toBe("ERR_CONFIG");
    expect(error.issues.length).toBeGreaterThanOrEqual(3);
  });

  it("accepts an already normalized definition", async () => {
    const normalized = await parseDefinition(definition);
    const system = await startWorkers(normalized);
    expect(system.definition).toBe(normalized);
    await expect(system.request("echo", "x")).resolves.toBe("x");
    await system.stop();
  });

  it("emits workers.start with the workers and channels", async () => {
    const rec = recorder();
    const system = await startWorkers(definition, { obs: rec.emit });
    expect(rec.events).toEqual([
      {
        type: "workers.start",
        workers: ["echo", "tick"],
        channels: ["in"],
        at: expect.any(Number),
      },
    ]);
    await system.stop();
  });

  it("is all-or-nothing: when attach throws, what started is stopped and the error rethrown", async () => {
    let seen: WorkersSystem<any> | undefined;
    const failure = new Error("attach failed");
    const obs = {
      emit: vi.fn(),
      attach(system: WorkersSystem<any>) {
        seen = system;
        throw failure;
      },
    };
    await expect(startWorkers(definition, { obs })).rejects.toBe(failure);
    expect(seen?.state).toBe("stopped");
    expect(seen?.channels.in?.closed).toBe(true);
    await expect(seen!.command("echo", "x")).rejects.toBeInstanceOf(StoppedError);
  });
});

describe("workersComponent", () => {
  it("starts and stops a system", async () => {
    const component = workersComponent({ definition, devGuard: false });
    const system = await component.start({});
    expect(component.system).toBe(system);
    await expect(system.request("echo", "hi")).resolves.toBe("hi");
    await component.stop();
    expect(system.state).toBe("stopped");
    expect(component.system).toBeUndefined();
    await component.stop();
  });

  it("fails to start without a definition, with a clear coded error", async () => {
    const start = workersComponent({}).start({});
    await expect(start).rejects.toBeInstanceOf(StartError);
    await expect(start).rejects.toMatchObject({ code: "ERR_START" });
  });

  it("refuses a second start while running", async () => {
    const component = workersComponent({ definition });
    await component.start();
    await expect(component.start()).rejects.toMatchObject({ code: "ERR_START" });
    await component.stop();
  });

  it("stop during start: the start fails with StoppedError and nothing keeps running", async () => {
    const component = workersComponent({ definition });
    const starting = component.start();
    const stopping = component.stop();
    await expect(starting).rejects.toMatchObject({ code: "ERR_STOPPED" });
    await stopping;
    expect(component.system).toBeUndefined();
  });

  it("supports await using", async () => {
    let system: WorkersSystem<typeof definition> | undefined;
    {
      await using component = workersComponent({ definition });
      system = await component.start();
    }
    expect(system.state).toBe("stopped");
  });
});

describe("package exports", () => {
  it("exports every error class with its code", async () => {
    const mod = await import("../src/index.js");
    const codes = {
      NotExposedError: "ERR_NOT_EXPOSED",
      StoppedError: "ERR_STOPPED",
      TimeoutError: "ERR_TIMEOUT",
      DroppedError: "ERR_DROPPED",
      InvalidMessageError: "ERR_INVALID_MESSAGE",
      UnknownChannelError: "ERR_UNKNOWN_CHANNEL",
      StartError: "ERR_START",
    } as const;
    expect(new mod.NotExposedError("x", []).code).toBe(codes.NotExposedError);
    expect(new mod.StoppedError().code).toBe(codes.StoppedError);
    expect(new mod.TimeoutError("x", 1).code).toBe(codes.TimeoutError);
    expect(new mod.DroppedError("input-drop", "c").code).toBe(codes.DroppedError);
    expect(new mod.InvalidMessageError().code).toBe(codes.InvalidMessageError);
    expect(new mod.UnknownChannelError("c").code).toBe(codes.UnknownChannelError);
    expect(new mod.StartError("m").code).toBe(codes.StartError);
    for (const E of [mod.NotExposedError, mod.StoppedError, mod.TimeoutError, mod.DroppedError]) {
      expect(E.prototype).toBeInstanceOf(mod.WorkersError);
    }
    expect(new mod.ThreadCrashedError("boom").code).toBe("ERR_THREAD_CRASHED");
    expect(new mod.ThreadClosedError()).toBeInstanceOf(mod.ThreadError);
  });
});
