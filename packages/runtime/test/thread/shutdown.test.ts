// The setup module's shutdown() runs in every thread that imported it when the pool closes,
// before the threads end; a hook that hangs or throws cannot hold stop up.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { startWorkers } from "../../src/index.js";
import { dispatcher, fixture } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "workers-shutdown-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

/** The setup fixture's URL with its query, and the worker reference in it. */
function setupWith(query: Record<string, string>) {
  const url = new URL(fixture("shutdown", "echo").url);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  return { setup: url.href, ref: { url: url.href, exportName: "echo" } };
}

function nextWarning(): Promise<Error & { code?: string }> {
  return new Promise((resolve) => process.once("warning", resolve));
}

describe("threads.setup shutdown()", { timeout: 30_000 }, () => {
  test("runs in each thread that imported the setup module, before close() resolves", async () => {
    const file = join(dir, `threads-${++files}.txt`);
    const { setup, ref } = setupWith({ file });
    const d = dispatcher({ min: 2, max: 2, concurrentTasksPerThread: 1, setup });
    await d.load([ref]);
    await d.run({
      worker: { name: "echo", kind: "command", dispatch: "thread", in: "echo/in" },
      ref,
      body: 1,
      headers: {},
      messageId: "m1",
      signal: new AbortController().signal,
    });
    await d.close();
    const threads = readFileSync(file, "utf8").trim().split("\n");
    // Each thread that imported the module once; no thread twice.
    expect(threads.length).toBeGreaterThanOrEqual(1);
    expect(new Set(threads).size).toBe(threads.length);
  });

  test("system.stop() runs it (startWorkers)", async () => {
    const file = join(dir, `threads-${++files}.txt`);
    const { setup } = setupWith({ file });
    const system = await startWorkers(
      {
        channels: { "echo/in": { buffer: 1 } },
        workers: {
          echo: {
            kind: "command",
            in: "echo/in",
            expose: true,
            dispatch: "thread",
            // Not the setup module's URL: its query is for the threads' loader only.
            workerFn: `${fixture("basic", "echo").url}#echo`,
          },
        },
      },
      {},
      { threads: { min: 1, max: 1, setup, execArgv: dispatcherExecArgv() } },
    );
    await expect(system.request("echo", "hi")).resolves.toBe("hi");
    await system.stop();
    expect(readFileSync(file, "utf8").trim().split("\n")).toHaveLength(1);
  });

  test("a hook that never settles holds close() up for shutdownTimeoutMs only, with a warning", async () => {
    const { setup, ref } = setupWith({ mode: "hang" });
    const d = dispatcher({ min: 1, max: 1, setup, shutdownTimeoutMs: 50 });
    await d.load([ref]);
    const warning = nextWarning();
    await d.close();
    expect((await warning).code).toBe("WORKERS_THREAD_SHUTDOWN");
  });

  test("a hook that throws: close() goes on, with a warning", async () => {
    const { setup, ref } = setupWith({ mode: "throw" });
    const d = dispatcher({ min: 1, max: 1, setup });
    await d.load([ref]);
    const warning = nextWarning();
    await d.close();
    const { code } = await warning;
    expect(code).toBe("WORKERS_THREAD_SHUTDOWN");
  });
});

function dispatcherExecArgv(): readonly string[] {
  return ["--import", new URL("./register-tsx.mjs", import.meta.url).href];
}
