import { chan } from "@workers/channels";
import { afterAll, expect, test } from "vitest";
import type { ChannelOp } from "../../src/dispatch/types.js";
import { dispatcher, fixture, recorder, task, track } from "./helpers.js";

const channels = { out: chan<unknown>(1), small: chan<unknown>(1) };
type Name = keyof typeof channels;

// What the runtime does with a thread's channel operation: act on the main thread's channel.
const onMain: ChannelOp = ({ channel, op, value }) => {
  const ch = channels[channel as Name];
  if (ch === undefined) return Promise.reject(new RangeError(`no channel "${channel}"`));
  return op === "put" ? ch.put(value) : Promise.resolve(ch.offer(value));
};
const rec = recorder(onMain);
const d = dispatcher({}, rec.op);
afterAll(() => d.close());

test("put from a thread blocks on a full channel and resumes when a consumer takes", async () => {
  const ch = channels.out;
  const run = track(
    d.run(task(fixture("channels", "putAll"), { channel: "out", values: ["a", "b", "c"] })),
  );
  // "a" fills the buffer; the thread's put of "b" parks on the main thread.
  await rec.next(2);
  expect(ch.size).toBe(1);
  expect(ch.pendingPuts).toBe(1);
  expect(run.settled).toBe(false);
  await expect(ch.take()).resolves.toBe("a");
  await rec.next(3); // "b" accepted, so the thread went on to put "c", which parks in turn
  expect(run.settled).toBe(false);
  await expect(ch.take()).resolves.toBe("b");
  await expect(run.promise).resolves.toEqual([true, true, true]);
  await expect(ch.take()).resolves.toBe("c");
  // Each operation carries its message's signal: a parked put ends when the message aborts.
  expect(rec.calls.slice(0, 3).map(({ signal: _, ...call }) => call)).toEqual(
    ["a", "b", "c"].map((value) => ({ workerId: "putAll", channel: "out", op: "put", value })),
  );
  for (const call of rec.calls.slice(0, 3)) expect(call.signal).toBeInstanceOf(AbortSignal);
});

test("offer from a thread resolves whether the channel took the value, without waiting", async () => {
  const result = await d.run(
    task(fixture("channels", "offerAll"), { channel: "small", values: [1, 2] }),
  );
  expect(result).toEqual([true, false]);
  expect(channels.small.poll()).toBe(1);
});

test("a failing channel operation rejects in the thread and fails the message", async () => {
  const error = await d
    .run(task(fixture("channels", "putAll"), { channel: "nope", values: [1] }))
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(RangeError);
  expect((error as Error).message).toBe('no channel "nope"');
});

test("putting undefined rejects in the thread with a TypeError", async () => {
  await expect(d.run(task(fixture("channels", "putUndefined"), null))).rejects.toBeInstanceOf(
    TypeError,
  );
});
