// captureContext: a thread's channel operations are carried out on the main thread in the async
// context of the message that issued them.
import { AsyncLocalStorage } from "node:async_hooks";
import { chan } from "@workers/channels";
import { afterAll, expect, test } from "vitest";
import { createThreadDispatcher } from "../../src/dispatch/thread/thread-dispatcher.js";
import type { ChannelOp } from "../../src/dispatch/types.js";
import { fixture, task, tsxExecArgv } from "./helpers.js";

const als = new AsyncLocalStorage<string>();
const gate = chan<unknown>(0);
const seen: { value: unknown; store: string | undefined }[] = [];
// Each "hold" put parks until the test takes, so every message is in flight at once.
const onMain: ChannelOp = ({ channel, value }) => {
  seen.push({ value, store: als.getStore() });
  return channel === "gate" ? gate.put(value) : Promise.resolve(true);
};

const make = (captureContext: boolean) =>
  createThreadDispatcher({
    threads: { min: 2, max: 2, execArgv: tsxExecArgv },
    channelOp: onMain,
    captureContext,
  });
const on = make(true);
const off = make(false);
afterAll(() => Promise.all([on.close(), off.close()]));

const putAll = fixture("channels", "putAll");
const body = (n: number) => ({ channel: "gate", values: [n] });

async function releaseAll(count: number): Promise<void> {
  for (let k = 0; k < count; k++) await gate.take();
}

test("run() and runBatch(): each operation runs in its own message's context", async () => {
  seen.length = 0;
  const runs = [0, 1, 2].map((n) => als.run(`run ${n}`, () => on.run(task(putAll, body(n)))));
  // A batch: a task's own context wins; the others take the runBatch() call's.
  const own = als.run("own 4", () => AsyncLocalStorage.snapshot());
  const batch = als.run("batch", () =>
    on.runBatch([task(putAll, body(3)), task(putAll, body(4), { context: own })]),
  );
  await releaseAll(5);
  await Promise.all([...runs, batch]);
  const stores = new Map(seen.map((s) => [s.value, s.store]));
  expect(stores).toEqual(
    new Map<unknown, string>([
      [0, "run 0"],
      [1, "run 1"],
      [2, "run 2"],
      [3, "batch"],
      [4, "own 4"],
    ]),
  );
});

test("without captureContext nothing is carried over", async () => {
  seen.length = 0;
  const runs = [0, 1].map((n) => als.run(`run ${n}`, () => off.run(task(putAll, body(n)))));
  await releaseAll(2);
  await Promise.all(runs);
  expect(seen.map((s) => s.store)).toEqual([undefined, undefined]);
});
