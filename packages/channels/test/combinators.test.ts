import { describe, expect, it } from "vitest";
import {
  chan,
  merge,
  mult,
  onto,
  pipe,
  pipeline,
  pub,
  reduce,
  split,
  sub,
  tap,
  toArray,
  toChan,
  unsub,
  unsubAll,
  untap,
  untapAll,
} from "../src/index.js";
import { flush, track } from "./helpers.js";

describe("mult / tap / untap", () => {
  it("copies every value to every tap and closes taps with the source", async () => {
    const src = chan<number>();
    const m = mult(src);
    expect(m.source).toBe(src);
    const a = tap(m, chan<number>(10));
    const b = tap(m, chan<number>(10));
    const keepOpen = tap(m, chan<number>(10), false);
    await onto(src, [1, 2, 3]);
    expect(await toArray(a)).toEqual([1, 2, 3]);
    expect(await toArray(b)).toEqual([1, 2, 3]);
    await flush();
    expect(keepOpen.closed).toBe(false);
    expect([keepOpen.poll(), keepOpen.poll(), keepOpen.poll()]).toEqual([1, 2, 3]);
  });

  it("waits for every tap to accept before taking the next value", async () => {
    const src = chan<number>(10);
    const m = mult(src);
    const fast = tap(m, chan<number>(10));
    const slow = tap(m, chan<number>());
    src.offer(1);
    src.offer(2);
    await flush();
    expect(fast.size).toBe(1);
    expect(await slow.take()).toBe(1);
    await flush();
    expect(fast.size).toBe(2);
  });

  it("discards values while there is no tap, removes closed taps, untaps", async () => {
    const src = chan<number>();
    const m = mult(src);
    await src.put(0);
    const a = tap(m, chan<number>(10));
    const b = tap(m, chan<number>(10));
    b.close();
    await src.put(1);
    untap(m, a);
    await src.put(2);
    await flush();
    expect(a.poll()).toBe(1);
    expect(a.poll()).toBeUndefined();
    const c = tap(m, chan<number>(10));
    untapAll(m);
    await src.put(3);
    await flush();
    expect(c.size).toBe(0);
  });

  it("a tap added after the source closed is closed at once when asked to", async () => {
    const src = chan<number>();
    const m = mult(src);
    src.close();
    await flush();
    const late = tap(m, chan<number>());
    expect(late.closed).toBe(true);
    const open = tap(m, chan<number>(), false);
    expect(open.closed).toBe(false);
  });
});

describe("pub / sub / unsub", () => {
  it("routes values by topic to each subscriber and closes them with the source", async () => {
    const src = chan<{ t: string; n: number }>();
    const p = pub(
      src,
      (v) => v.t,
      () => 10,
    );
    expect(p.source).toBe(src);
    const a1 = sub(p, "a", chan(10));
    const a2 = sub(p, "a", chan(10));
    const b = sub(p, "b", chan(10));
    await onto(src, [
      { t: "a", n: 1 },
      { t: "b", n: 2 },
      { t: "c", n: 3 },
      { t: "a", n: 4 },
    ]);
    expect((await toArray(a1)).map((v) => v.n)).toEqual([1, 4]);
    expect((await toArray(a2)).map((v) => v.n)).toEqual([1, 4]);
    expect((await toArray(b)).map((v) => v.n)).toEqual([2]);
  });

  it("unsub stops one subscriber; unsubAll drops a topic or every topic", async () => {
    const src = chan<string>();
    const p = pub(src, (v) => v[0]);
    const a = sub(p, "a", chan<string>(10));
    const a2 = sub(p, "a", chan<string>(10), false);
    const b = sub(p, "b", chan<string>(10));
    await src.put("a1");
    await flush();
    unsub(p, "a", a);
    await src.put("a2");
    await flush();
    unsubAll(p, "a");
    await src.put("a3");
    await src.put("b1");
    await flush();
    unsubAll(p);
    await src.put("b2");
    await flush();
    unsub(p, "zz", a);
    expect([a.poll(), a.poll()]).toEqual(["a1", undefined]);
    expect([a2.poll(), a2.poll(), a2.poll()]).toEqual(["a1", "a2", undefined]);
    expect([b.poll(), b.poll()]).toEqual(["b1", undefined]);
  });

  it("closes subscribers with the source, and a late subscriber at once", async () => {
    const src = chan<string>();
    const p = pub(src, (v) => v);
    const x = sub(p, "x", chan<string>(1));
    await src.put("x");
    await flush();
    expect(x.poll()).toBe("x");
    src.close();
    await flush();
    expect(x.closed).toBe(true);
    const late = sub(p, "y", chan<string>());
    await flush();
    expect(late.closed).toBe(true);
  });
});

describe("merge", () => {
  it("merges every source and closes when all are closed", async () => {
    const a = toChan([1, 2, 3]);
    const b = toChan([10, 20]);
    const out = merge([a, b], 5);
    expect((await toArray(out)).sort((x, y) => x - y)).toEqual([1, 2, 3, 10, 20]);
  });

  it("keeps each source's order", async () => {
    const a = toChan([1, 2, 3, 4]);
    const b = toChan([10, 20, 30]);
    const got = await toArray(merge([a, b]));
    expect(got.filter((v) => v < 10)).toEqual([1, 2, 3, 4]);
    expect(got.filter((v) => v >= 10)).toEqual([10, 20, 30]);
  });

  it("closes at once for no sources and stops when the output is closed", async () => {
    expect(await toArray(merge([]))).toEqual([]);
    const a = chan<number>(10);
    const out = merge([a]);
    out.close();
    a.offer(1);
    a.offer(2);
    await flush();
    expect(a.size).toBe(1);
  });
});

describe("pipe", () => {
  it("moves values and closes the destination by default", async () => {
    const to = pipe(toChan([1, 2, 3]), chan<number>(5));
    expect(await toArray(to)).toEqual([1, 2, 3]);
  });

  it("leaves the destination open with close=false", async () => {
    const to = pipe(toChan([1]), chan<number>(5), false);
    expect(await to.take()).toBe(1);
    await flush();
    expect(to.closed).toBe(false);
  });

  it("stops taking when the destination closes", async () => {
    const from = chan<number>(5);
    const to = chan<number>();
    pipe(from, to);
    to.close();
    from.offer(1);
    from.offer(2);
    await flush();
    expect(from.size).toBe(1);
  });
});

describe("split", () => {
  it("stops taking when a put is refused by a closed output, and closes the other", async () => {
    const src = chan<number>(5);
    const [even, odd] = split((n: number) => n % 2 === 0, src, 5, 5);
    even.close();
    src.offer(2);
    src.offer(1);
    src.offer(3);
    await flush();
    expect(src.size).toBe(2);
    expect(odd.closed).toBe(true);
    expect(await toArray(odd)).toEqual([]);
  });

  it("splits by predicate and closes both outputs", async () => {
    const [even, odd] = split((n: number) => n % 2 === 0, toChan([1, 2, 3, 4, 5]), 5, 5);
    const [e, o] = await Promise.all([toArray(even), toArray(odd)]);
    expect(e).toEqual([2, 4]);
    expect(o).toEqual([1, 3, 5]);
  });
});

describe("onto / toChan / reduce / toArray", () => {
  it("onto puts every value and closes, or stops at a closed channel", async () => {
    const ch = chan<number>(5);
    expect(await onto(ch, [1, 2])).toBe(true);
    expect(ch.closed).toBe(true);
    expect(await toArray(ch)).toEqual([1, 2]);
    const open = chan<number>(5);
    expect(await onto(open, new Set([3]), false)).toBe(true);
    expect(open.closed).toBe(false);
    open.close();
    expect(await onto(open, [4])).toBe(false);
  });

  it("onto closes the channel and rejects when the iterable throws", async () => {
    const failure = new Error("source failed");
    async function* failing() {
      yield 1;
      throw failure;
    }
    const ch = chan<number>(5);
    await expect(onto(ch, failing())).rejects.toBe(failure);
    expect(ch.closed).toBe(true);
    expect(await toArray(ch)).toEqual([1]);

    const kept = chan<number | undefined>(5);
    await expect(onto(kept, [2, undefined], false)).rejects.toMatchObject({
      code: "ERR_UNDEFINED_VALUE",
    });
    expect([kept.closed, kept.poll()]).toEqual([false, 2]);
  });

  it("onto and toChan accept async iterables", async () => {
    async function* gen() {
      yield 1;
      yield 2;
    }
    expect(await toArray(toChan(gen()))).toEqual([1, 2]);
    const ch = chan<number>(2);
    await onto(ch, gen());
    expect(await toArray(ch)).toEqual([1, 2]);
  });

  it("toChan sizes its buffer from the collection, up to 100", async () => {
    expect(toChan([1, 2, 3]).capacity).toBe(3);
    expect(toChan(new Set([1])).capacity).toBe(1);
    expect(toChan(Array.from({ length: 500 }, (_, i) => i)).capacity).toBe(100);
    expect(toChan([1], { buffer: 2, bufferType: "sliding" }).bufferType).toBe("sliding");
    const big = toChan(Array.from({ length: 500 }, (_, i) => i));
    expect((await toArray(big)).length).toBe(500);
  });

  it("reduce folds until closed", async () => {
    expect(await reduce((a, b: number) => a + b, 0, toChan([1, 2, 3, 4]))).toBe(10);
    const empty = chan<number>();
    empty.close();
    expect(await reduce((a, b: number) => a + b, 7, empty)).toBe(7);
  });
});

describe("pipeline", () => {
  it("applies an async function keeping input order", async () => {
    const to = chan<number>(100);
    const delays = [5, 1, 3, 0, 2];
    await pipeline(
      3,
      to,
      async (v: number) => {
        for (let i = 0; i < delays[v % 5]!; i++) await Promise.resolve();
        return v * 10;
      },
      toChan([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]),
    );
    expect(await toArray(to)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
  });

  it("never has more than n values in flight", async () => {
    let inFlight = 0;
    let max = 0;
    const to = chan<number>(100);
    await pipeline(
      2,
      to,
      async (v: number) => {
        inFlight++;
        max = Math.max(max, inFlight);
        await flush();
        inFlight--;
        return v;
      },
      toChan(Array.from({ length: 10 }, (_, i) => i + 1)),
    );
    expect(max).toBe(2);
    expect((await toArray(to)).length).toBe(10);
  });

  it("unordered mode emits results as they finish", async () => {
    const to = chan<number>(100);
    const gates = new Map<number, () => void>();
    const done = pipeline(
      3,
      to,
      (v: number) => new Promise<number>((resolve) => gates.set(v, () => resolve(v))),
      toChan([1, 2, 3]),
      { ordered: false },
    );
    await flush();
    gates.get(3)!();
    gates.get(1)!();
    gates.get(2)!();
    await done;
    expect(await toArray(to)).toEqual([3, 1, 2]);
  });

  it("skips undefined results, and close=false leaves the destination open", async () => {
    const to = chan<number>(10);
    await pipeline(1, to, (v: number) => (v % 2 ? v : undefined), toChan([1, 2, 3]), {
      close: false,
    });
    expect(to.closed).toBe(false);
    expect([to.poll(), to.poll(), to.poll()]).toEqual([1, 3, undefined]);
  });

  it("onError replaces a failed value", async () => {
    const to = chan<string>(10);
    await pipeline(
      2,
      to,
      (v: number) => {
        if (v === 2) throw new Error("two");
        return String(v);
      },
      toChan([1, 2, 3]),
      { onError: (e, v) => `${v}:${(e as Error).message}` },
    );
    expect(await toArray(to)).toEqual(["1", "2:two", "3"]);
  });

  it("without onError the first failure stops it, keeps the rest of the input and rejects", async () => {
    const from = chan<number>(10);
    for (let i = 1; i <= 6; i++) from.offer(i);
    const to = chan<number>(10);
    const run = pipeline(
      1,
      to,
      async (v: number) => {
        if (v === 3) throw new Error("boom");
        return v;
      },
      from,
    );
    await expect(run).rejects.toThrow("boom");
    expect(to.closed).toBe(true);
    expect(await toArray(to)).toEqual([1, 2]);
    expect(from.size).toBe(3);
  });

  it("a throwing onError rejects the pipeline, unordered too", async () => {
    const to = chan<number>(10);
    const run = pipeline(2, to, () => Promise.reject(new Error("a")), toChan([1, 2]), {
      ordered: false,
      onError: () => {
        throw new Error("b");
      },
    });
    await expect(run).rejects.toThrow("b");
  });

  it("stops when the destination closes, without losing input", async () => {
    const from = chan<number>(10);
    for (let i = 1; i <= 5; i++) from.offer(i);
    const to = chan<number>();
    const run = track(pipeline(1, to, (v: number) => v, from));
    expect(await to.take()).toBe(1);
    to.close();
    await flush();
    await flush();
    expect(run.settled).toBe(true);
    expect(from.size).toBeGreaterThanOrEqual(3);
  });

  it("refuses a bad n", () => {
    const c = chan<number>();
    expect(() => pipeline(0, c, (v) => v, c)).toThrowError(
      expect.objectContaining({ code: "ERR_INVALID_ARGUMENT" }),
    );
    expect(() => pipeline(1.5, c, (v) => v, c)).toThrow();
  });
});
