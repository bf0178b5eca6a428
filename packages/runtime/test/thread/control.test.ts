import { afterAll, describe, expect, test } from "vitest";
import { ThreadQueueFullError } from "../../src/errors.js";
import { dispatcher, fixture, latch, recorder, release, started, task, track } from "./helpers.js";

// One thread, two tasks at a time: what is posted behind a blocked task waits in that thread.
const rec = recorder();
const d = dispatcher({ min: 1, max: 1, concurrentTasksPerThread: 2 }, rec.op);
afterAll(() => d.close());

describe("abort", () => {
  test("an already aborted signal rejects at once with its reason", async () => {
    const controller = new AbortController();
    controller.abort(new Error("too late"));
    await expect(
      d.run(task(fixture("basic", "echo"), 1, { signal: controller.signal })),
    ).rejects.toThrow("too late");
  });

  test("aborting a running message aborts ctx.signal in the thread and rejects with the reason", async () => {
    const controller = new AbortController();
    const base = rec.calls.length;
    const run = d.run(task(fixture("control", "awaitAbort"), null, { signal: controller.signal }));
    await rec.next(base + 1);
    expect(rec.calls[base]?.value).toBe("started");
    const reason = new Error("request timed out");
    controller.abort(reason);
    await expect(run).rejects.toBe(reason);
    await rec.next(base + 2);
    expect(rec.calls[base + 1]?.value).toBe("aborted: AbortError");
  });

  test("a message aborted before it starts never runs; the thread skips it", async () => {
    const gate = latch();
    const blocked = d.run(task(fixture("control", "block"), gate));
    await started(gate);
    const counter = latch();
    const controller = new AbortController();
    // Posted to the blocked thread (two tasks per thread), waiting behind `block`.
    const queued = d.run(task(fixture("control", "count"), counter, { signal: controller.signal }));
    controller.abort(new Error("cancelled"));
    await expect(queued).rejects.toThrow("cancelled");
    release(gate);
    await expect(blocked).resolves.toBe("released");
    // The thread is free again: a later count runs, and is the first.
    await expect(d.run(task(fixture("control", "count"), counter))).resolves.toBe(1);
  });

  test("a message aborted while still queued in the dispatcher is dropped from the queue", async () => {
    const gate = latch();
    const blockers = [
      d.run(task(fixture("control", "block"), gate)),
      d.run(task(fixture("basic", "double"), 1)),
    ];
    await started(gate);
    const counter = latch();
    const controller = new AbortController();
    const queued = d.run(task(fixture("control", "count"), counter, { signal: controller.signal }));
    expect(d.stats().queueSize).toBeGreaterThanOrEqual(1);
    controller.abort(new Error("cancelled"));
    await expect(queued).rejects.toThrow("cancelled");
    release(gate);
    await Promise.all(blockers);
    await expect(d.run(task(fixture("control", "count"), counter))).resolves.toBe(1);
  });

  test("a signal shared by many messages aborts each of them, posted or queued, and nothing else", async () => {
    const gate = latch();
    const blocked = d.run(task(fixture("control", "block"), gate));
    await started(gate);
    const counter = latch();
    const shared = new AbortController();
    const signal = shared.signal;
    // Posted to the blocked thread (two tasks per thread), waiting behind `block`.
    const posted = d.run(task(fixture("control", "count"), counter, { signal }));
    // Queued in the dispatcher: the thread takes no third task.
    const batch = d.runBatch([
      task(fixture("control", "count"), counter, { signal }),
      task(fixture("basic", "echo"), "not aborted"),
      task(fixture("control", "count"), counter, { signal }),
    ]);
    const queued = d.run(task(fixture("control", "count"), counter, { signal }));
    const reason = new Error("stop deadline");
    shared.abort(reason);
    await expect(posted).rejects.toBe(reason);
    await expect(queued).rejects.toBe(reason);
    release(gate);
    await expect(blocked).resolves.toBe("released");
    await expect(batch).resolves.toEqual([
      { ok: false, error: reason },
      { ok: true, value: "not aborted" },
      { ok: false, error: reason },
    ]);
    // None of the aborted messages ran: the next count is the first.
    await expect(d.run(task(fixture("control", "count"), counter))).resolves.toBe(1);
  });

  test("more messages in flight than the slot table holds still each get their outcome, and slots are reused after they wrap around", async () => {
    const big = dispatcher({ min: 1, max: 1, concurrentTasksPerThread: 2, maxQueue: 100_000 });
    try {
      // One task of 40 000: the messages past the 32 768 slots run untracked.
      const bodies = Array.from({ length: 40_000 }, (_, i) => i);
      const outcomes = await big.runBatch(bodies.map((i) => task(fixture("basic", "echo"), i)));
      expect(outcomes.every((o, i) => o.ok && o.value === i)).toBe(true);
      // Sequence numbers are past the table's size now: a message aborted before it starts is
      // still skipped through its (wrapped) slot.
      const gate = latch();
      const blocked = big.run(task(fixture("control", "block"), gate));
      await started(gate);
      const counter = latch();
      const controller = new AbortController();
      const skipped = big.run(
        task(fixture("control", "count"), counter, { signal: controller.signal }),
      );
      controller.abort(new Error("cancelled"));
      await expect(skipped).rejects.toThrow("cancelled");
      release(gate);
      await expect(blocked).resolves.toBe("released");
      await expect(big.run(task(fixture("control", "count"), counter))).resolves.toBe(1);
    } finally {
      await big.close();
    }
  });

  test("a running message that ignores its aborted signal loses its thread after the grace period", async () => {
    const strict = dispatcher({ min: 1, max: 1, concurrentTasksPerThread: 1 }, undefined, 0);
    try {
      const gate = latch();
      const controller = new AbortController();
      const stuck = strict.run(
        task(fixture("control", "block"), gate, { signal: controller.signal }),
      );
      await started(gate);
      controller.abort(new Error("timed out"));
      await expect(stuck).rejects.toThrow("timed out");
      // Only a new thread can run this: the old one stays blocked until terminated.
      await expect(strict.run(task(fixture("control", "count"), latch()))).resolves.toBe(1);
    } finally {
      await strict.close();
    }
  });
});

describe("crashes", () => {
  test("process.exit in a task fails that message; the pool replaces the thread", async () => {
    const error = await d.run(task(fixture("control", "exit"), 7)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "ERR_THREAD_CRASHED" });
    expect(((error as Error).cause as Error).message).toContain("exited with code: 7");
    await expect(d.run(task(fixture("basic", "echo"), "still serving"))).resolves.toBe(
      "still serving",
    );
  });

  test("an exception thrown outside the task fails the in-flight message with it as cause", async () => {
    const error = await d
      .run(task(fixture("control", "throwLater"), "boom outside"))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "ERR_THREAD_CRASHED" });
    expect(((error as Error).cause as Error).message).toBe("boom outside");
    await expect(d.run(task(fixture("basic", "echo"), 2))).resolves.toBe(2);
  });

  test("messages posted behind a crash but not started are retried on a new thread", async () => {
    const gate = latch();
    const dying = d.run(task(fixture("control", "blockThenExit"), gate));
    await started(gate);
    const counter = latch();
    const behind = d.run(task(fixture("control", "count"), counter));
    release(gate);
    await expect(dying).rejects.toMatchObject({ code: "ERR_THREAD_CRASHED" });
    await expect(behind).resolves.toBe(1);
  });

  test("a result that cannot be cloned kills the thread and fails the message", async () => {
    await expect(d.run(task(fixture("control", "returnFunction"), null))).rejects.toMatchObject({
      code: "ERR_THREAD_CRASHED",
    });
    await expect(d.run(task(fixture("basic", "echo"), 3))).resolves.toBe(3);
  });

  test("running out of memory under resourceLimits fails the message; the pool keeps serving", async () => {
    const limited = dispatcher({ min: 1, max: 1, resourceLimits: { maxOldGenerationSizeMb: 16 } });
    try {
      const error = await limited
        .run(task(fixture("control", "exhaustMemory"), null))
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "ERR_THREAD_CRASHED" });
      expect((error as Error).cause).toMatchObject({ code: "ERR_WORKER_OUT_OF_MEMORY" });
      await expect(limited.run(task(fixture("basic", "echo"), "after oom"))).resolves.toBe(
        "after oom",
      );
    } finally {
      await limited.close();
    }
  });
});

describe("transfer", () => {
  test("a returned buffer marked with transfer() is moved, not copied", async () => {
    const ref = fixture("control", "moveOut");
    const first = (await d.run(task(ref, 16))) as { bytes: Uint8Array };
    expect(first.bytes).toEqual(new Uint8Array(16).fill(7));
    const second = (await d.run(task(ref, 4))) as { previousLength: number };
    expect(second.previousLength).toBe(0);
  });

  test("a message body marked with transfer() is moved to the thread", async () => {
    const { transfer } = await import("../../src/dispatch/thread/transfer.js");
    const bytes = new Uint8Array(32);
    const run = d.run(task(fixture("control", "receive"), transfer(bytes)));
    expect(bytes.byteLength).toBe(0);
    await expect(run).resolves.toBe(32);
  });

  test("a buffer put on a channel with transfer() is moved to the main thread", async () => {
    const base = rec.calls.length;
    await expect(d.run(task(fixture("control", "putMoved"), 8))).resolves.toBe(0);
    expect(rec.calls[base]?.value).toEqual(new Uint8Array(8).fill(9));
  });
});

describe("queue and close", () => {
  test("maxQueue bounds the messages waiting for a thread", async () => {
    const small = dispatcher({ min: 1, max: 1, concurrentTasksPerThread: 1, maxQueue: 1 });
    const gate = latch();
    const blocked = small.run(task(fixture("control", "block"), gate));
    await started(gate);
    const waiting = small.run(task(fixture("basic", "echo"), "waits"));
    await expect(small.run(task(fixture("basic", "echo"), "refused"))).rejects.toBeInstanceOf(
      ThreadQueueFullError,
    );
    release(gate);
    await expect(blocked).resolves.toBe("released");
    await expect(waiting).resolves.toBe("waits");
    await small.close();
  });

  test("close waits for running messages, then stops the threads", async () => {
    const other = dispatcher({ min: 1, max: 1 });
    const gate = latch();
    const running = other.run(task(fixture("control", "block"), gate));
    await started(gate);
    const closing = track(other.close());
    await Promise.resolve();
    expect(closing.settled).toBe(false);
    release(gate);
    await expect(running).resolves.toBe("released");
    await closing.promise;
    expect(other.stats().threads).toBe(0);
  });
});
