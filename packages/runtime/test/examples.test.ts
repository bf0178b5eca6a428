// The seed's Quickstart and its three examples, and every example of the README, run as tests.
import { readFileSync } from "node:fs";
import { describe, expect, it, vi } from "vitest";
import { tsxExecArgv } from "./thread/helpers.js";

function quiet(): () => void {
  const log = vi.spyOn(console, "log").mockImplementation(() => {});
  return () => log.mockRestore();
}

describe("seed examples", () => {
  it("Quickstart: a command is accepted and processed", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const { main } = await import("../examples/quickstart.js");
    await expect(main()).resolves.toBe(true);
    expect(log).toHaveBeenCalledWith("cmd", { cmd: "ping" });
    log.mockRestore();
  });

  it("1) exposed command with replies", async () => {
    const { main } = await import("../examples/reply.js");
    await expect(main()).resolves.toEqual({ url: "https://example.com/a.png", bytes: 25 * 1024 });
  });

  it("2) output channel consumer", async () => {
    const restore = quiet();
    const { main } = await import("../examples/output-consumer.js");
    await expect(main()).resolves.toEqual([{ stored: 1 }, { stored: 2 }, { stored: 3 }]);
    restore();
  });

  it("3) error channel consumer", async () => {
    const restore = quiet();
    const { main } = await import("../examples/error-consumer.js");
    await expect(main()).resolves.toEqual([
      {
        type: "workers.error",
        workerId: "commands",
        workerKind: "command",
        channel: "commands/in",
        message: "unknown command reboot",
        msg: { cmd: "reboot" },
        failChan: "workers/errors",
        at: expect.any(Number),
      },
    ]);
    restore();
  });
});

describe("README examples", () => {
  it("policies: retried with backoff, rate-limited, started paused", async () => {
    const { main } = await import("../examples/policies.js");
    await expect(main()).resolves.toEqual({
      results: [
        { url: "https://example.com/a.png", attempt: 2 },
        { url: "https://example.com/b.png", attempt: 2 },
      ],
      calls: 4,
      errors: 0,
    });
  });

  it("observability: logger routing and stats", async () => {
    const { main } = await import("../examples/observability.js");
    const { warnings, stats } = await main();
    expect(warnings.map((w) => (w.type === "workers.drop" ? w.reason : w.type))).toEqual([
      "input-drop",
      "output-drop",
    ]);
    expect(stats.workers.jobs).toMatchObject({ processed: 2 });
    expect(stats.drops).toEqual({ "jobs/in": 1, "jobs/out": 1 });
  });

  it("ticker", async () => {
    vi.useFakeTimers();
    try {
      const { main } = await import("../examples/ticker.js");
      const ticks = main();
      await vi.advanceTimersByTimeAsync(20);
      await expect(ticks).resolves.toEqual([0, 1, 2]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("lifecycle component", async () => {
    const { main } = await import("../examples/lifecycle.js");
    await expect(main()).resolves.toBe("ok ping");
  });

  it("thread workers: per-thread resources, transfer, batch", { timeout: 30_000 }, async () => {
    const { main } = await import("../examples/threads.js");
    const result = await main({
      // Tests run the TypeScript example module from source in the threads.
      execArgv: ["--conditions=@workers/source", ...tsxExecArgv],
    });
    expect(result).toMatchObject({
      crc: 0x45c80a5c, // zlib.crc32("hello, threads")
      movedToThread: true,
      storedBytes: 14,
      doubledSum: 999_000,
      pool: { threads: expect.any(Number) },
    });
  });

  it("thread workers run as written under node --import tsx (no execArgv)", {
    timeout: 60_000,
  }, async () => {
    const { execFile } = await import("node:child_process");
    const { fileURLToPath } = await import("node:url");
    const runner = fileURLToPath(new URL("./fixtures/run-example.ts", import.meta.url));
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        ["--conditions=@workers/source", "--import", "tsx", runner, "threads.ts"],
        { cwd: fileURLToPath(new URL("..", import.meta.url)), timeout: 60_000 },
        (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)),
      );
    });
    expect(JSON.parse(stdout)).toMatchObject({
      crc: 0x45c80a5c,
      movedToThread: true,
      storedBytes: 14,
      doubledSum: 999_000,
    });
  });

  it("every ts block of the README is one of these example files, verbatim", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const blocks = [...readme.matchAll(/<!-- example: (\S+) -->\n```ts\n([\s\S]*?)```/g)];
    expect(blocks.length).toBeGreaterThanOrEqual(7);
    for (const [, file, code] of blocks) {
      const source = readFileSync(new URL(`../examples/${file}`, import.meta.url), "utf8");
      expect(code, file).toBe(source);
    }
    const fenced = [...readme.matchAll(/```ts\n/g)].length;
    expect(fenced).toBe(blocks.length);
  });
});
