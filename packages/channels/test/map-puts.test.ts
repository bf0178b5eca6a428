import { describe, expect, it } from "vitest";
import {
  alts,
  type Channel,
  chan,
  mapPuts,
  merge,
  mult,
  onto,
  PendingLimitError,
  pipe,
  pipeline,
  promiseChan,
  pub,
  putWith,
  sub,
  tap,
  toArray,
  toChan,
} from "../src/index.js";
import { flush, stateOf, thenables, track } from "./helpers.js";

// `mapPuts(ch, fn)` is core.async's `map>`: a real channel whose puts apply `fn` before they
// reach `ch`; everything else is `ch`'s. `fn` runs synchronously in the putter's call, once
// per put, after the value passed the put checks, and its result is checked the same way.

/** A function that records every value it sees (and the caller's "context" at that moment). */
function recorder<T>(f: (v: T) => T): { fn: (v: T) => T; seen: T[] } {
  const seen: T[] = [];
  return {
    seen,
    fn: (v) => {
      seen.push(v);
      return f(v);
    },
  };
}

const tenfold = (n: number) => n * 10;

function codeOf(attempt: () => unknown): unknown {
  try {
    attempt();
  } catch (error) {
    return (error as { code?: unknown }).code;
  }
  return "no error";
}

describe("mapPuts: the channel operations", () => {
  it("put, putAsync and offer apply fn; take and poll read the target", async () => {
    const target = chan<number>(4);
    const view = mapPuts(target, tenfold);
    expect(await view.put(1)).toBe(true);
    expect(view.putAsync(2)).toBe(true);
    expect(view.offer(3)).toBe(true);
    expect([target.poll(), await view.take(), view.poll()]).toEqual([10, 20, 30]);
  });

  it("a parked put carries the mapped value and resolves when taken", async () => {
    const target = chan<number>();
    const view = mapPuts(target, tenfold);
    const put = track(view.put(7));
    const accepted: boolean[] = [];
    view.putAsync(8, (ok) => accepted.push(ok));
    expect(target.pendingPuts).toBe(2);
    expect(await target.take()).toBe(70);
    expect(await view.take()).toBe(80);
    await flush();
    expect(put).toEqual({ settled: true, value: true });
    expect(accepted).toEqual([true]);
  });

  it("state, close and for await are the target's", async () => {
    const dropped: number[] = [];
    const target = chan<number>({
      buffer: 2,
      bufferType: "sliding",
      onDrop: (v) => dropped.push(v),
    });
    const view = mapPuts(target, tenfold);
    for (const n of [1, 2, 3]) view.offer(n);
    expect(dropped).toEqual([10]);
    const read = (c: Channel<number>) => ({
      ...stateOf(c),
      capacity: c.capacity,
      bufferType: c.bufferType,
    });
    expect(read(view)).toEqual(read(target));
    expect(read(view)).toMatchObject({ size: 2, capacity: 2, bufferType: "sliding", drops: 1 });
    view.close();
    expect(target.closed).toBe(true);
    const got: number[] = [];
    for await (const v of view) got.push(v);
    expect(got).toEqual([20, 30]);
  });

  it("a put on a view of a closed channel is refused like one on the channel", async () => {
    const target = chan<number>(1);
    const { fn, seen } = recorder(tenfold);
    const view = mapPuts(target, fn);
    target.close();
    expect(await view.put(1)).toBe(false);
    expect(view.offer(2)).toBe(false);
    expect(view.putAsync(3)).toBe(false);
    // fn is applied to every put that passed its checks, accepted or not (as `map>` does).
    expect(seen).toEqual([1, 2, 3]);
  });

  it("fn runs synchronously in the putter's call, once per put", () => {
    let context = "outside";
    const contexts: string[] = [];
    const target = chan<number>(8);
    const view = mapPuts(target, (n: number) => {
      contexts.push(context);
      return n + 1;
    });
    const put = (label: string, op: () => unknown) => {
      context = label;
      op();
      context = "outside";
    };
    put("put", () => view.put(1));
    put("putAsync", () => view.putAsync(2));
    put("offer", () => view.offer(3));
    put("putWith", () => putWith(view, 4, "block"));
    put("alts", () => alts([[view, 5]]));
    expect(contexts).toEqual(["put", "putAsync", "offer", "putWith", "alts"]);
    expect(target.size).toBe(5);
  });

  it("composes: mapPuts(mapPuts(ch, f), g) applies g, then f", async () => {
    const order: string[] = [];
    const target = chan<string>(2);
    const inner = mapPuts(target, (s: string) => {
      order.push(`f(${s})`);
      return `f(${s})`;
    });
    const outer = mapPuts(inner, (s: string) => {
      order.push(`g(${s})`);
      return `g(${s})`;
    });
    await outer.put("x");
    expect(target.poll()).toBe("f(g(x))");
    expect(order).toEqual(["g(x)", "f(g(x))"]);
    expect(await alts([[outer, "y"]])).toEqual({ value: true, channel: outer });
    expect(target.poll()).toBe("f(g(y))");
    expect(stateOf(outer)).toEqual(stateOf(target));
  });

  it("works on a promiseChan: the first mapped value is kept", async () => {
    const answer = promiseChan<number>();
    const view = mapPuts(answer, tenfold);
    view.offer(4);
    view.offer(5);
    expect([await answer.take(), await view.take(), view.drops]).toEqual([40, 40, 1]);
  });
});

describe("mapPuts: refusals", () => {
  type Refused = [name: string, value: () => unknown, code: string];
  const refused: Refused[] = [
    ["undefined", () => undefined, "ERR_UNDEFINED_VALUE"],
    // A fresh thenable for each use.
    ...thenables().map(([name], i): Refused => [name, () => thenables()[i]![1], "ERR_THENABLE"]),
  ];

  const paths: [name: string, put: (ch: Channel<unknown>, v: unknown) => unknown][] = [
    ["put", (ch, v) => ch.put(v)],
    ["putAsync", (ch, v) => ch.putAsync(v, () => expect.unreachable("callback called"))],
    ["offer", (ch, v) => ch.offer(v)],
    ["putWith", (ch, v) => putWith(ch, v, "async")],
    ["alts", (ch, v) => alts([[ch, v]])],
  ];

  for (const [path, put] of paths) {
    for (const [name, value, code] of refused) {
      it(`${path} refuses ${name} (${code}) before fn sees it`, () => {
        const target = chan<unknown>(1);
        const { fn, seen } = recorder<unknown>((v) => ({ wrapped: v }));
        const view = mapPuts(target, fn);
        expect(codeOf(() => put(view, value()))).toBe(code);
        expect(seen).toEqual([]);
        expect(stateOf(target)).toEqual(stateOf(chan(1)));
      });

      it(`${path} refuses fn returning ${name} (${code}) and changes nothing`, async () => {
        const target = chan<unknown>();
        const take = track(target.take());
        const view = mapPuts(target, value);
        expect(codeOf(() => put(view, 1))).toBe(code);
        await flush();
        expect(take.settled).toBe(false);
        expect(stateOf(target)).toMatchObject({ pendingTakes: 1, pendingPuts: 0, size: 0 });
        target.close();
      });
    }

    it(`${path}: an error fn throws reaches the putter and nothing is put`, () => {
      const target = chan<unknown>(1);
      const boom = new Error("boom");
      const view = mapPuts(target, () => {
        throw boom;
      });
      expect(() => put(view, 1)).toThrow(boom);
      expect(stateOf(target)).toEqual(stateOf(chan(1)));
    });
  }

  it("an inner view's check runs between the outer fn and the inner fn", () => {
    const { fn: f, seen } = recorder<unknown>((v) => v);
    const target = chan<unknown>(1);
    const outer = mapPuts(mapPuts(target, f), () => Promise.resolve(1));
    expect(codeOf(() => outer.offer(1))).toBe("ERR_THENABLE");
    expect(codeOf(() => alts([[outer, 1]]))).toBe("ERR_THENABLE");
    expect(seen).toEqual([]);
    expect(target.size).toBe(0);
  });

  it("validates its arguments, naming them (ERR_INVALID_ARGUMENT)", () => {
    const ch = chan<number>();
    expect(codeOf(() => mapPuts(ch, "f" as never))).toBe("ERR_INVALID_ARGUMENT");
    expect(() => mapPuts(ch, undefined as never)).toThrow(/fn must be a function/);
    const lookalike = { ...ch, put: ch.put.bind(ch) } as Channel<number>;
    expect(codeOf(() => mapPuts(lookalike, tenfold))).toBe("ERR_INVALID_ARGUMENT");
    expect(() => mapPuts(null as never, tenfold)).toThrow(/ch must be a channel/);
    expect(mapPuts(mapPuts(ch, tenfold), tenfold)).not.toBe(ch);
  });
});

describe("mapPuts with alts", () => {
  it("an immediate take names the view and reads the target", async () => {
    const target = chan<number>(1);
    const view = mapPuts(target, tenfold);
    target.offer(3);
    const r = await alts([view]);
    expect(r.channel).toBe(view);
    expect(r.value).toBe(3);
  });

  it("a parked take names the view", async () => {
    const target = chan<number>();
    const other = chan<number>();
    const view = mapPuts(target, tenfold);
    const r = track(alts([other, view]));
    expect(target.pendingTakes).toBe(1);
    await target.put(4);
    await flush();
    expect(r.value).toEqual({ value: 4, channel: view });
    expect(other.pendingTakes).toBe(0);
  });

  it("an immediate put maps the value and names the view", async () => {
    const target = chan<number>(1);
    const view = mapPuts(target, tenfold);
    const r = await alts([[view, 2]]);
    expect(r.channel).toBe(view);
    expect(r.value).toBe(true);
    expect(target.poll()).toBe(20);
  });

  it("a put on a closed view is ready with false and names the view", async () => {
    const target = chan<number>();
    const view = mapPuts(target, tenfold);
    view.close();
    expect(await alts([[view, 1]])).toEqual({ value: false, channel: view });
  });

  it("a parked put maps the value at the alts call and names the view when taken", async () => {
    const target = chan<number>();
    const { fn, seen } = recorder(tenfold);
    const view = mapPuts(target, fn);
    const r = track(alts([[view, 5], chan<number>()]));
    expect(seen).toEqual([5]);
    expect(target.pendingPuts).toBe(1);
    expect(await target.take()).toBe(50);
    await flush();
    expect(r.value).toEqual({ value: true, channel: view });
    expect(seen).toEqual([5]);
  });

  it("alts on a view and alts on its target each name the channel they were given", async () => {
    const target = chan<number>();
    const view = mapPuts(target, tenfold);
    const viaView = track(alts([[view, 1]]));
    const direct = track(alts([[target, 2]]));
    expect(await target.take()).toBe(10);
    expect(await target.take()).toBe(2);
    await flush();
    expect(viaView.value).toEqual({ value: true, channel: view });
    expect(direct.value).toEqual({ value: true, channel: target });
  });

  it("applies fn to every put op once, the losing ones too, and only the winner's value lands", async () => {
    const a = chan<number>(1);
    const b = chan<number>(1);
    const { fn: fa, seen: seenA } = recorder(tenfold);
    const { fn: fb, seen: seenB } = recorder((n: number) => n + 100);
    const va = mapPuts(a, fa);
    const vb = mapPuts(b, fb);
    const r = await alts(
      [
        [va, 1],
        [vb, 2],
      ],
      { priority: true },
    );
    expect(r).toEqual({ value: true, channel: va });
    expect(seenA).toEqual([1]);
    expect(seenB).toEqual([2]);
    expect([a.poll(), b.size]).toEqual([10, 0]);

    // Parked, the loser's waiter goes away with its mapped value.
    const c = chan<number>();
    const d = chan<number>();
    const vd = mapPuts(d, tenfold);
    const parked = track(
      alts([
        [mapPuts(c, tenfold), 3],
        [vd, 4],
      ]),
    );
    expect(await d.take()).toBe(40);
    await flush();
    expect(parked.value).toEqual({ value: true, channel: vd });
    expect(stateOf(c)).toEqual(stateOf(chan()));
  });

  it("with a default and nothing ready, fn ran and nothing was put", async () => {
    const target = chan<number>();
    const { fn, seen } = recorder(tenfold);
    const r = await alts([[mapPuts(target, fn), 1]], { default: "none" });
    expect(r).toEqual({ value: "none", channel: "default" });
    expect(seen).toEqual([1]);
    expect(stateOf(target)).toEqual(stateOf(chan()));
  });

  it("checks every op before any fn runs, and every fn before any op is tried", () => {
    const ready = chan<number>(1);
    const { fn, seen } = recorder(tenfold);
    const view = mapPuts(ready, fn);
    expect(
      codeOf(() =>
        alts([
          [view, 1],
          [ready, undefined as never],
        ]),
      ),
    ).toBe("ERR_UNDEFINED_VALUE");
    expect(seen).toEqual([]);
    const bad = mapPuts(chan<number>(1), () => undefined as never);
    expect(
      codeOf(() =>
        alts(
          [
            [ready, 1],
            [bad, 2],
          ],
          { priority: true },
        ),
      ),
    ).toBe("ERR_UNDEFINED_VALUE");
    expect(ready.size).toBe(0);
  });

  it("counts the pending limit on the real channel, shared by its views", () => {
    const target = chan<number>();
    const view = mapPuts(target, tenfold);
    for (let i = 0; i < 1023; i++) target.putAsync(i);
    let thrown: unknown;
    try {
      alts([
        [view, 1],
        [target, 2],
      ]);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PendingLimitError);
    expect(target.pendingPuts).toBe(1023);
    target.close();
  });
});

describe("mapPuts with the combinators", () => {
  it("pipe: into a view maps, out of a view reads the target", async () => {
    const mid = chan<number>(4);
    const out = chan<number>(4);
    pipe(toChan([1, 2]), mapPuts(mid, tenfold));
    pipe(
      mapPuts(mid, () => -1),
      out,
    );
    expect(await toArray(out)).toEqual([10, 20]);
  });

  it("mult: a view as a tap maps, a view as the source reads the target", async () => {
    const src = chan<number>();
    const m = mult(mapPuts(src, () => -1));
    const a = chan<number>(3);
    const b = chan<number>(3);
    tap(m, mapPuts(a, tenfold));
    tap(m, b);
    await onto(src, [1, 2]);
    expect(await toArray(a)).toEqual([10, 20]);
    expect(await toArray(b)).toEqual([1, 2]);
  });

  it("merge: views as sources, each removed when its target closes", async () => {
    const a = chan<number>();
    const b = chan<number>(2);
    const va = mapPuts(a, tenfold);
    const vb = mapPuts(b, tenfold);
    const out = merge([va, vb], 10);
    await va.put(1);
    a.close();
    await flush();
    // `merge` drops the source `alts` names; `b` must still be read after `a` closed.
    await vb.put(2);
    await b.put(3);
    b.close();
    expect(await toArray(out)).toEqual([10, 20, 3]);
  });

  it("onto, putWith and pipeline put through a view", async () => {
    const a = chan<number>(3);
    expect(await onto(mapPuts(a, tenfold), [1, 2, 3])).toBe(true);
    expect(await toArray(a)).toEqual([10, 20, 30]);

    const b = chan<number>(3);
    const vb = mapPuts(b, tenfold);
    expect(await putWith(vb, 1, "async")).toBe(true);
    expect(await putWith(vb, 2, "block")).toBe(true);
    expect(await putWith(vb, 3, "drop")).toBe(true);
    expect([b.poll(), b.poll(), b.poll()]).toEqual([10, 20, 30]);

    const c = chan<number>(3);
    await pipeline(2, mapPuts(c, tenfold), async (n: number) => n + 1, toChan([1, 2]));
    expect(await toArray(c)).toEqual([20, 30]);
  });

  it("pub: a view as a subscriber maps", async () => {
    const p = pub(toChan([1, 2, 3]), (n: number) => (n % 2 === 0 ? "even" : "odd"));
    const odd = chan<number>(3);
    sub(p, "odd", mapPuts(odd, tenfold));
    expect(await toArray(odd)).toEqual([10, 30]);
  });
});
