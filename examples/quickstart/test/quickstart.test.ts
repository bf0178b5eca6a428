// Runs the Quickstart and its three examples and checks what they print.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, describe, expect, it, vi } from "vitest";

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL("..", import.meta.url));

afterEach(() => {
  vi.restoreAllMocks();
});

function captureLog() {
  return vi.spyOn(console, "log").mockImplementation(() => {});
}

describe("quickstart", () => {
  it("the thread worker prints the command it received", async () => {
    // A process of its own, as `pnpm start` runs it; the runtime runs from source here, so its
    // threads get the tsx hooks through the preload.
    const { stdout } = await run(
      process.execPath,
      [
        "--conditions=@workers/source",
        "--import",
        new URL("./register-tsx.mjs", import.meta.url).href,
        "src/quickstart.ts",
      ],
      { cwd: packageDir, timeout: 25_000 },
    );
    expect(stdout).toBe("cmd { cmd: 'ping' }\n");
  });

  it("example 1: request resolves with the worker's reply", async () => {
    const log = captureLog();
    await import("../src/reply.js");
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>';
    expect(log.mock.calls).toEqual([["reply:", "image/svg+xml", svg.length, "bytes"]]);
  });

  it("example 2: the output consumer sees every result, in order, until stop closes the channel", async () => {
    const log = captureLog();
    await import("../src/output-consumer.js");
    expect(log.mock.calls).toEqual(
      ["a.png", "b.png", "c.png"].map((name) => [
        "image event:",
        { stored: `out/${name}`, bytes: 1024 },
      ]),
    );
  });

  it("example 3: the error consumer sees the seed's error event", async () => {
    const log = captureLog();
    await import("../src/error-consumer.js");
    expect(log.mock.calls).toHaveLength(1);
    const [label, event] = log.mock.calls[0]!;
    expect(label).toBe("worker error event:");
    expect(event).toMatchObject({
      type: "workers.error",
      workerId: "image-resize",
      workerKind: "command",
      channel: "images/resize",
      message: "b.png: width must be positive",
      msg: { name: "b.png", width: -1 },
      failChan: "workers/errors",
    });
    expect(event).not.toHaveProperty("error");
  });
});
