// ctx.attempt in a thread worker: the runtime's retry policy numbers each run of a message.
import { afterAll, beforeAll, expect, test } from "vitest";
import { startWorkers, type WorkersSystem } from "../../src/index.js";
import { tsxExecArgv } from "./helpers.js";

const ref = (name: string) => `../fixtures/thread-attempt.ts#${name}`;

const definition = {
  channels: {
    "flaky/in": { buffer: 4 },
    "attempt/in": { buffer: 4 },
  },
  workers: {
    flaky: {
      kind: "command",
      in: "flaky/in",
      workerFn: ref("flaky"),
      dispatch: "thread",
      expose: true,
      retry: { attempts: 3, backoffMs: 0 },
    },
    attempt: {
      kind: "command",
      in: "attempt/in",
      workerFn: ref("attempt"),
      dispatch: "thread",
      expose: true,
    },
  },
} as const;

let system: WorkersSystem;

beforeAll(async () => {
  system = await startWorkers(
    definition,
    {},
    { threads: { min: 1, max: 2, execArgv: tsxExecArgv }, baseUrl: import.meta.url },
  );
});
afterAll(() => system.stop());

test("a thread worker's ctx.attempt counts the retry policy's runs: it fails twice, succeeds on attempt 3", async () => {
  await expect(system.request("flaky", "go")).resolves.toBe(3);
});

test("ctx.attempt is 1 in a thread worker without retries", async () => {
  await expect(system.request("attempt", "go")).resolves.toBe(1);
});
