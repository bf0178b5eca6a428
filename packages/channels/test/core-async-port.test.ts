// Ports of clojure/core.async's own tests: src/test/cljs/cljs/core/async/{tests,buffer_tests}.cljs
// and src/test/clojure/clojure/core/async_test.clj. Each test names the original it follows.
import { describe, expect, it } from "vitest";
import {
  alts,
  type Channel,
  chan,
  merge,
  mult,
  onto,
  PendingLimitError,
  pipe,
  promiseChan,
  pub,
  reduce,
  split,
  sub,
  tap,
  toArray,
  toChan,
} from "../src/index.js";
import { flush, track } from "./helpers.js";

function identityChan<T>(x: T): Channel<T> {
  const c = chan<T>(1);
  void (async () => {
    await c.put(x);
    c.close();
  })();
  return c;
}

describe("buffer_tests.cljs", () => {
  it("unblocking-buffer-tests: only fixed buffers make puts wait", async () => {
    const fixed = chan<number>(1);
    fixed.offer(1);
    expect(track(fixed.put(2)).settled).toBe(false);
    for (const bufferType of ["dropping", "sliding"] as const) {
      const c = chan<number>({ buffer: 1, bufferType });
      c.offer(1);
      expect(await c.put(2)).toBe(true);
    }
  });

  it("fixed-buffer: count, full, FIFO removal", () => {
    const fb = chan<string>(2);
    expect(fb.size).toBe(0);
    fb.offer(":1");
    expect(fb.size).toBe(1);
    fb.offer(":2");
    expect(fb.size).toBe(2);
    expect(fb.offer(":3")).toBe(false); // full?
    expect(fb.poll()).toBe(":1");
    expect(fb.offer(":3")).toBe(true); // not full any more
    expect(fb.poll()).toBe(":2");
    expect(fb.poll()).toBe(":3");
    expect(fb.size).toBe(0);
  });

  it("dropping-buffer: never full, keeps the first values", () => {
    const fb = chan<string>({ buffer: 2, bufferType: "dropping" });
    expect(fb.size).toBe(0);
    fb.offer(":1");
    fb.offer(":2");
    expect(fb.size).toBe(2);
    expect(fb.offer(":3")).toBe(true); // not full?
    expect(fb.size).toBe(2);
    expect(fb.poll()).toBe(":1");
    expect(fb.size).toBe(1);
    expect(fb.poll()).toBe(":2");
    expect(fb.size).toBe(0);
  });

  it("sliding-buffer: never full, keeps the last values", () => {
    const fb = chan<string>({ buffer: 2, bufferType: "sliding" });
    fb.offer(":1");
    fb.offer(":2");
    expect(fb.size).toBe(2);
    expect(fb.offer(":3")).toBe(true);
    expect(fb.size).toBe(2);
    expect(fb.poll()).toBe(":2");
    expect(fb.size).toBe(1);
    expect(fb.poll()).toBe(":3");
    expect(fb.size).toBe(0);
  });

  it("promise-buffer-tests: keeps the first value, never removes it", async () => {
    const pb = promiseChan<string>();
    expect(pb.size).toBe(0);
    pb.offer(":1");
    expect(pb.size).toBe(1);
    pb.offer(":2");
    expect(pb.size).toBe(1);
    expect(() => pb.offer(":3")).not.toThrow();
    expect(pb.poll()).toBe(":1");
    expect(pb.size).toBe(1);
    expect(pb.poll()).toBe(":1");
    pb.close();
    expect(await pb.take()).toBe(":1");
  });
});

describe("tests.cljs", () => {
  it("put! then take! on a buffered and an unbuffered channel", async () => {
    for (const c of [chan<number>(1), chan<number>()]) {
      const put = new Promise<boolean>((resolve) => c.putAsync(42, resolve));
      expect(await c.take()).toBe(42);
      expect(await put).toBe(true);
    }
  });

  it("identity-chan: a go block's value, then closed", async () => {
    const c = identityChan(42);
    expect(await c.take()).toBe(42);
    expect(await c.take()).toBeUndefined();
  });

  it("alt-tests: alts! works at all, and can use default", async () => {
    const c = identityChan(42);
    expect(await alts([c])).toEqual({ value: 42, channel: c });
    expect(await alts([chan(1)], { default: 42 })).toEqual({ value: 42, channel: "default" });
  });

  it("queue-limits: async put!s and take!s are limited to 1024", async () => {
    const c = chan<number>();
    for (let x = 0; x < 1024; x++) c.putAsync(x);
    expect(() => c.putAsync(42)).toThrow(PendingLimitError);
    expect(await c.take()).toBe(0);
    const d = chan<number>();
    for (let x = 0; x < 1024; x++) void d.take();
    expect(() => d.take()).toThrow(PendingLimitError);
    expect(await d.put(42)).toBe(true);
  });

  it("cleanup: alt handlers are removed from put! and take!", async () => {
    const c = chan<number>();
    for (let x = 0; x < 1024; x++) await alts([[c, x]], { default: 42 });
    expect(c.putAsync(42)).toBe(true);
    expect(c.pendingPuts).toBe(1);
    const d = chan<number>();
    for (let x = 0; x < 1024; x++) await alts([d], { default: 42 });
    expect(() => d.take()).not.toThrow();
    expect(d.pendingTakes).toBe(1);
  });

  it("ops: pipe", async () => {
    const out = chan<number>();
    pipe(toChan([1, 2, 3, 4, 5]), out);
    expect(await toArray(out)).toEqual([1, 2, 3, 4, 5]);
  });

  it("ops: split (with buffers, else it would not complete)", async () => {
    const [even, odd] = split((n: number) => n % 2 === 0, toChan([1, 2, 3, 4, 5, 6]), 5, 5);
    expect(await toArray(even)).toEqual([2, 4, 6]);
    expect(await toArray(odd)).toEqual([1, 3, 5]);
  });

  it("ops: merge (any order: compare frequencies)", async () => {
    const range4 = () => toChan([0, 1, 2, 3]);
    const got = await toArray(merge([range4(), range4(), range4(), range4()]));
    const freq = new Map<number, number>();
    for (const v of got) freq.set(v, (freq.get(v) ?? 0) + 1);
    expect(Object.fromEntries(freq)).toEqual({ 0: 4, 1: 4, 2: 4, 3: 4 });
  });

  it("ops: mult", async () => {
    const a = chan<number>(4);
    const b = chan<number>(4);
    const src = chan<number>();
    const m = mult(src);
    tap(m, a);
    tap(m, b);
    pipe(toChan([0, 1, 2, 3]), src);
    expect(await toArray(a)).toEqual([0, 1, 2, 3]);
    expect(await toArray(b)).toEqual([0, 1, 2, 3]);
  });

  it("ops: pub-sub", async () => {
    const aInts = chan<number | string>(5);
    const aStrs = chan<number | string>(5);
    const bInts = chan<number | string>(5);
    const bStrs = chan<number | string>(5);
    const src = chan<number | string>();
    const p = pub(src, (x) => (typeof x === "string" ? "string" : "int"));
    sub(p, "string", aStrs);
    sub(p, "string", bStrs);
    sub(p, "int", aInts);
    sub(p, "int", bInts);
    pipe(toChan<number | string>([1, "a", 2, "b", 3, "c"]), src);
    expect(await toArray(aInts)).toEqual([1, 2, 3]);
    expect(await toArray(bInts)).toEqual([1, 2, 3]);
    expect(await toArray(aStrs)).toEqual(["a", "b", "c"]);
    expect(await toArray(bStrs)).toEqual(["a", "b", "c"]);
  });
});

describe("async_test.clj", () => {
  it("basic-channel-test", async () => {
    const c = chan<number>(1);
    const f = c.take();
    await c.put(42);
    expect(await f).toBe(42);
  });

  it("writes-block-on-full-buffer", async () => {
    const c = chan<number>(1);
    await c.put(42);
    const blocking = track(c.put(43));
    await flush();
    expect(blocking.settled).toBe(false);
  });

  it("unfulfilled-readers-block", async () => {
    const c = chan<number>(1);
    const r1 = track(c.take());
    const r2 = track(c.take());
    await c.put(42);
    await flush();
    expect([r1.settled, r2.settled].filter(Boolean)).toHaveLength(1);
    expect(r1.value ?? r2.value).toBe(42);
  });

  it("test-<!!-and-put!: the callback waits for a reader", async () => {
    const c = chan<string>();
    let executed = false;
    c.putAsync(":test-val", () => {
      executed = true;
    });
    await flush();
    expect(executed).toBe(false);
    expect(await c.take()).toBe(":test-val");
    await flush();
    expect(executed).toBe(true);
  });

  it("test->!!-and-take!: the read waits for a writer", async () => {
    const c = chan<string>();
    const read = track(c.take());
    await flush();
    expect(read.settled).toBe(false);
    await c.put(":test-val");
    await flush();
    expect(read.value).toBe(":test-val");
  });

  it("put! callbacks never run on the caller's stack (on-caller? false)", async () => {
    const c = chan<string>();
    void c.take();
    let ran = false;
    c.putAsync(":foo", () => {
      ran = true;
    });
    expect(ran).toBe(false);
    await flush();
    expect(ran).toBe(true);
  });

  it("limit-async-take!-put!: the channel unlocks afterwards", async () => {
    const c = chan<number>();
    for (let x = 0; x < 1024; x++) c.putAsync(x);
    expect(() => c.putAsync(42)).toThrow(PendingLimitError);
    expect(await c.take()).toBe(0);
    const d = chan<number>();
    for (let x = 0; x < 1024; x++) void d.take();
    expect(() => d.take()).toThrow(PendingLimitError);
    expect(await d.put(42)).toBe(true);
  });

  it("puts-fulfill-when-buffer-available", async () => {
    const c = chan<string>(1);
    await c.put(":full");
    const p = new Promise<string>((resolve) =>
      c.putAsync(":enqueues", () => resolve(":proceeded")),
    );
    await c.take();
    expect(await p).toBe(":proceeded");
  });

  it("onto-chan / to-chan of (range 10)", async () => {
    const range = Array.from({ length: 10 }, (_, i) => i);
    expect(await toArray(toChan(range))).toEqual(range);
    const c = chan<number>(10);
    await onto(c, range);
    expect(await toArray(c)).toEqual(range);
  });

  it("reduce", async () => {
    const add = (a: number, b: number) => a + b;
    expect(await reduce(add, 0, toChan<number>([]))).toBe(0);
    expect(await reduce(add, 0, toChan(Array.from({ length: 10 }, (_, i) => i)))).toBe(45);
  });
});
