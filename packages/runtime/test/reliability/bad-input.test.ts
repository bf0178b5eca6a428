// Bad input, fuzzed with fast-check (soak/fuzz.ts; `pnpm soak` runs the same properties with
// many more runs): payloads of every shape to go and thread workers, and wrong definitions.
// Every outcome is a value or a coded error, nothing crashes, nothing hangs.
import { afterAll, describe, expect, test } from "vitest";
import { fuzzDefinitions, fuzzGoPayloads, fuzzThreadPayloads } from "../../soak/fuzz.js";
import { report, tsxExecArgv } from "./ledger.js";

const tried = { goPayloads: 0, threadPayloads: 0, definitions: 0 };
afterAll(() => report("bad-input", tried));

describe("bad input", () => {
  test("payloads to a go worker: the value itself, a coded refusal, or the worker's error with its event", async () => {
    tried.goPayloads = await fuzzGoPayloads({ runs: 300 });
    expect(tried.goPayloads).toBe(300);
  });

  test("payloads to a thread worker: a structured clone of the value, or ERR_INVALID_MESSAGE for that message alone", async () => {
    tried.threadPayloads = await fuzzThreadPayloads({
      runs: 60,
      threads: { execArgv: tsxExecArgv },
    });
    expect(tried.threadPayloads).toBeGreaterThanOrEqual(60);
  });

  test("definitions: a wrong one rejects with a coded error, a right one starts and stops", async () => {
    tried.definitions = await fuzzDefinitions({ runs: 300, baseUrl: import.meta.url });
    expect(tried.definitions).toBe(300);
  });
});
