import { afterEach, describe, expect, it, vi } from "vitest";
import {
  ArgumentRangeError,
  alts,
  chan,
  PendingLimitError,
  promiseChan,
  timeout,
} from "../src/index.js";
import { flush, track } from "./helpers.js";

describe("alts", () => {
  it("takes from the ready channel", async () => {
    const a = chan<number>(1);
    const b = chan<string>(1);
    b.offer("x");
    const r = await alts([a, b]);
    expect(r).toEqual({ value: "x", channel: b });
  });

  it("puts into the ready channel and reports acceptance", async () => {
    const a = chan<number>();
    const b = chan<number>(1);
    const r = await alts([
      [a, 1],
      [b, 2],
    ]);
    expect(r).toEqual({ value: true, channel: b });
    expect(b.poll()).toBe(2);
  });

  it("a put on a closed channel is ready and reports false", async () => {
    const a = chan<number>();
    a.close();
    expect(await alts([[a, 1]])).toEqual({ value: false, channel: a });
  });

  it("a take on a closed channel is ready with undefined", async () => {
    const a = chan<number>();
    a.close();
    expect(await alts([a])).toEqual({ value: undefined, channel: a });
  });

  it("with priority, takes the first ready operation in order", async () => {
    const a = chan<number>(5);
    const b = chan<number>(5);
    for (let i = 0; i < 5; i++) {
      a.offer(i);
      b.offer(i);
    }
    for (let i = 0; i < 5; i++) {
      expect((await alts([b, a], { priority: true })).channel).toBe(b);
    }
  });

  it("without priority, chooses among ready operations at random", async () => {
    const a = chan<number>(200);
    const b = chan<number>(200);
    for (let i = 0; i < 200; i++) {
      a.offer(i);
      b.offer(i);
    }
    let fromA = 0;
    for (let i = 0; i < 200; i++) if ((await alts([a, b])).channel === a) fromA++;
    expect(fromA).toBeGreaterThan(40);
    expect(fromA).toBeLessThan(160);
  });

  it("returns the default only when nothing is ready", async () => {
    const a = chan<number>(1);
    expect(await alts([a], { default: "none" })).toEqual({ value: "none", channel: "default" });
    expect(await alts([], { default: undefined })).toEqual({
      value: undefined,
      channel: "default",
    });
    a.offer(1);
    expect(await alts([a], { default: "none" })).toEqual({ value: 1, channel: a });
    expect(a.pendingTakes).toBe(0);
  });

  it("parks on every channel and commits exactly one; the others are removed", async () => {
    const a = chan<number>();
    const b = chan<number>();
    const c = chan<number>();
    const r = track(alts([a, b, [c, 9]]));
    expect([a.pendingTakes, b.pendingTakes, c.pendingPuts]).toEqual([1, 1, 1]);
    expect(b.offer(5)).toBe(true);
    expect([a.pendingTakes, b.pendingTakes, c.pendingPuts]).toEqual([0, 0, 0]);
    expect(a.offer(6)).toBe(false);
    expect(c.poll()).toBeUndefined();
    await flush();
    expect(r.value).toEqual({ value: 5, channel: b });
  });

  it("a parked put completes with true when taken", async () => {
    const a = chan<number>();
    const b = chan<number>();
    const r = alts([[a, 1], b]);
    expect(await a.take()).toBe(1);
    expect(await r).toEqual({ value: true, channel: a });
    expect(b.pendingTakes).toBe(0);
  });

  it("a parked take completes with undefined when its channel closes", async () => {
    const a = chan<number>();
    const b = chan<number>();
    const r = alts([a, b]);
    b.close();
    expect(await r).toEqual({ value: undefined, channel: b });
    expect(a.pendingTakes).toBe(0);
  });

  it("1000+ alts over the same channels leave no pending handler behind", async () => {
    const a = chan<number>();
    const b = chan<number>();
    const c = chan<number>();
    for (let i = 0; i < 1500; i++) {
      const r = alts([a, b, c]);
      const target = [a, b, c][i % 3]!;
      expect(target.offer(i)).toBe(true);
      const out = await r;
      expect(out).toEqual({ value: i, channel: target });
      expect([a.pendingTakes, b.pendingTakes, c.pendingTakes]).toEqual([0, 0, 0]);
    }
  });

  it("a channel that keeps losing alts stays bounded and keeps its other waiters in order", async () => {
    const a = chan<number>();
    const b = chan<number>();
    const plain: Promise<number | undefined>[] = [];
    for (let i = 0; i < 1500; i++) {
      if (i % 100 === 0) plain.push(a.take());
      const r = alts([a, b]);
      b.offer(i);
      expect((await r).channel).toBe(b);
    }
    expect(a.pendingTakes).toBe(15);
    for (let i = 0; i < 15; i++) a.offer(i);
    expect(await Promise.all(plain)).toEqual(Array.from({ length: 15 }, (_, i) => i));
    expect(a.pendingTakes).toBe(0);
    expect(a.offer(99)).toBe(false);
  });

  it("losing puts are cleaned up too, and the remaining puts keep their order", async () => {
    const a = chan<number>();
    const b = chan<number>();
    const plain: Promise<boolean>[] = [];
    for (let i = 0; i < 1500; i++) {
      if (i % 100 === 0) plain.push(a.put(i));
      const r = alts([[a, -1], b]);
      b.offer(i);
      expect((await r).channel).toBe(b);
    }
    expect(a.pendingPuts).toBe(15);
    const got: number[] = [];
    for (let v = a.poll(); v !== undefined; v = a.poll()) got.push(v);
    expect(got).toEqual(Array.from({ length: 15 }, (_, i) => i * 100));
    expect(await Promise.all(plain)).toEqual(new Array(15).fill(true));
  });

  it("many parked alts on the same channel are served in order and clean up the rest", async () => {
    const a = chan<number>();
    const b = chan<number>();
    const results = Array.from({ length: 1000 }, () => alts([a, b]));
    expect([a.pendingTakes, b.pendingTakes]).toEqual([1000, 1000]);
    for (let i = 0; i < 1000; i++) expect((i % 2 === 0 ? a : b).offer(i)).toBe(true);
    const got = await Promise.all(results);
    expect(got.map((r) => r.value)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect([a.pendingTakes, b.pendingTakes]).toEqual([0, 0]);
  });

  it("an alt that takes and puts on the same channel does not match itself", async () => {
    const a = chan<number>();
    const r = alts([a, [a, 1]], { priority: true });
    expect([a.pendingTakes, a.pendingPuts]).toEqual([1, 1]);
    expect(a.offer(2)).toBe(true);
    expect(await r).toEqual({ value: 2, channel: a });
    expect([a.pendingTakes, a.pendingPuts]).toEqual([0, 0]);
  });

  it("an aborted signal removes every pending operation and rejects", async () => {
    const a = chan<number>();
    const b = chan<number>();
    const ac = new AbortController();
    const r = alts([a, [b, 1]], { signal: ac.signal });
    ac.abort(new Error("gone"));
    await expect(r).rejects.toThrow("gone");
    expect([a.pendingTakes, b.pendingPuts]).toEqual([0, 0]);
    await expect(alts([a], { signal: ac.signal })).rejects.toThrow("gone");
    expect(a.pendingTakes).toBe(0);
  });

  it("a committed alt removes its abort listener", async () => {
    const a = chan<number>();
    const ac = new AbortController();
    const r = alts([a], { signal: ac.signal });
    a.offer(1);
    ac.abort();
    expect(await r).toEqual({ value: 1, channel: a });
  });

  it("refuses undefined puts, foreign channels and an empty list without default", () => {
    const a = chan<number | undefined>();
    expect(() => alts([[a, undefined]])).toThrowError(
      expect.objectContaining({ code: "ERR_UNDEFINED_VALUE" }),
    );
    expect(() => alts([{} as never])).toThrow(TypeError);
    expect(() => alts([])).toThrowError(expect.objectContaining({ code: "ERR_INVALID_ARGUMENT" }));
  });

  it("throws PendingLimitError without parking anything when a queue is full", () => {
    const a = chan<number>();
    const b = chan<number>();
    for (let i = 0; i < 1024; i++) void b.take();
    expect(() => alts([a, b])).toThrow(PendingLimitError);
    expect(a.pendingTakes).toBe(0);
    const c = chan<number>();
    for (let i = 0; i < 1023; i++) void c.put(i);
    expect(() =>
      alts([
        [c, 1],
        [c, 2],
      ]),
    ).toThrowError(expect.objectContaining({ operation: "put" }));
    expect(c.pendingPuts).toBe(1023);
  });
});

describe("timeout", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("closes after the given time", async () => {
    vi.useFakeTimers();
    const t = timeout(100);
    const r = track(t.take());
    await vi.advanceTimersByTimeAsync(99);
    expect(r.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(r.settled).toBe(true);
    expect(r.value).toBeUndefined();
    expect(t.closed).toBe(true);
  });

  it("wins an alts against a silent channel", async () => {
    vi.useFakeTimers();
    const a = chan<number>();
    const t = timeout(50);
    const r = alts([a, t]);
    await vi.advanceTimersByTimeAsync(50);
    expect(await r).toEqual({ value: undefined, channel: t });
    expect(a.pendingTakes).toBe(0);
  });

  it.each([
    ["0", 0],
    ["-5", -5],
    ["0.5", 0.5],
    ["NaN", Number.NaN],
    ["Infinity", Number.POSITIVE_INFINITY],
    ["-Infinity", Number.NEGATIVE_INFINITY],
    ["2^31 (one past the timer range)", 2 ** 31],
    ["30 days", 30 * 24 * 60 * 60 * 1000],
    ["null", null],
    ["the string 'abc'", "abc"],
    ["the string '5'", "5"],
    ["undefined", undefined],
    ["an object", { valueOf: (): number => 5 }],
  ])("refuses %s with a RangeError coded ERR_INVALID_ARGUMENT, starting no timer", (_, ms) => {
    vi.useFakeTimers();
    let thrown: unknown;
    try {
      timeout(ms as number);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(RangeError);
    expect(thrown).toBeInstanceOf(ArgumentRangeError);
    expect((thrown as ArgumentRangeError).code).toBe("ERR_INVALID_ARGUMENT");
    expect(vi.getTimerCount()).toBe(0);
  });

  it.each([
    ["1 ms", 1],
    ["1.5 ms", 1.5],
    ["2^31-1 ms (about 24.8 days)", 2 ** 31 - 1],
  ])("accepts %s and closes then (timers truncate fractions), not before", async (_, ms) => {
    vi.useFakeTimers();
    const t = timeout(ms);
    const r = track(t.take());
    await vi.advanceTimersByTimeAsync(Math.floor(ms) - 1);
    expect(r.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(r.settled).toBe(true);
    expect(t.closed).toBe(true);
  });
});

describe("promiseChan", () => {
  it("delivers its first value to every pending and future take", async () => {
    const p = promiseChan<number>();
    const t1 = p.take();
    const t2 = p.take();
    expect(p.offer(1)).toBe(true);
    expect(await t1).toBe(1);
    expect(await t2).toBe(1);
    expect(await p.take()).toBe(1);
    expect(p.poll()).toBe(1);
    expect([p.capacity, p.bufferType, p.size]).toEqual([1, "dropping", 1]);
  });

  it("an awaited put delivers to every pending take", async () => {
    const p = promiseChan<string>();
    const takes = [p.take(), p.take()];
    expect(await p.put("v")).toBe(true);
    expect(await Promise.all(takes)).toEqual(["v", "v"]);
  });

  it("accepts and discards later puts, counting them", async () => {
    const dropped: number[] = [];
    const p = promiseChan<number>({ onDrop: (v) => dropped.push(v) });
    expect(await p.put(1)).toBe(true);
    expect(await p.put(2)).toBe(true);
    expect(p.offer(3)).toBe(true);
    expect(await p.take()).toBe(1);
    expect([p.drops, dropped]).toEqual([2, [2, 3]]);
  });

  it("keeps its value after close; without one, takes resolve undefined", async () => {
    const p = promiseChan<number>();
    p.offer(1);
    p.close();
    expect(await p.take()).toBe(1);
    expect(await p.put(2)).toBe(false);
    const q = promiseChan<number>();
    const t = q.take();
    q.close();
    expect(await t).toBeUndefined();
    expect(await q.take()).toBeUndefined();
  });

  it("works as an alts operation", async () => {
    const p = promiseChan<number>();
    const a = chan<number>();
    const r = alts([p, a]);
    p.offer(7);
    expect(await r).toEqual({ value: 7, channel: p });
    expect(await alts([p])).toEqual({ value: 7, channel: p });
  });
});
