import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import {
  type Channel,
  chan,
  merge,
  mult,
  onto,
  pipe,
  pipeline,
  pub,
  split,
  sub,
  tap,
  toArray,
  toChan,
} from "../src/index.js";
import { flush, track } from "./helpers.js";

// A combinator's background loop has no caller to reject: whatever stops it (a put or take
// that throws, a callback that throws) closes its outputs and goes to its `onError`, or to
// `console.error` without one. The shared setup file fails any test here that leaves a
// rejection unhandled, so each test below also checks that nothing was.

/** An unbuffered channel already holding the maximum number of pending puts. */
function saturatedPuts<T = number>(): Channel<T> {
  const ch = chan<T>();
  for (let i = 0; i < 1024; i++) void ch.put(i as T);
  return ch;
}

/** A channel already holding the maximum number of pending takes. */
function saturatedTakes<T = number>(): Channel<T> {
  const ch = chan<T>();
  for (let i = 0; i < 1024; i++) void ch.take();
  return ch;
}

/** An `onError` that records each error with whether `outputs` were closed by then. */
function recorder(outputs: () => Channel<unknown>[]) {
  const calls: { error: unknown; closed: boolean[] }[] = [];
  const onError = (error: unknown): void => {
    calls.push({ error, closed: outputs().map((ch) => ch.closed) });
  };
  return { calls, onError };
}

const pendingLimit = expect.objectContaining({ code: "ERR_PENDING_LIMIT" });

let printed: MockInstance<(...data: unknown[]) => void>;
beforeEach(() => {
  printed = vi.spyOn(console, "error").mockImplementation(() => {});
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** The errors `console.error` printed (each call's error arguments). */
function printedErrors(): unknown[] {
  return printed.mock.calls.flatMap((args) => args.filter((a) => typeof a !== "string"));
}

describe("pipe", () => {
  it("a put that throws closes `to`, then goes to onError", async () => {
    const to = saturatedPuts();
    const { calls, onError } = recorder(() => [to]);
    expect(pipe(toChan([1]), to, { onError })).toBe(to);
    await flush();
    expect(calls).toEqual([{ error: pendingLimit, closed: [true] }]);
    expect(printed).not.toHaveBeenCalled();
  });

  it("without onError the error is printed, `to` closed, nothing unhandled", async () => {
    const to = saturatedPuts();
    pipe(toChan([1]), to);
    await flush();
    expect(to.closed).toBe(true);
    expect(printedErrors()).toEqual([pendingLimit]);
  });

  it("close: false leaves `to` open on failure, as on a normal end", async () => {
    const to = saturatedPuts();
    const { calls, onError } = recorder(() => [to]);
    pipe(toChan([1]), to, { close: false, onError });
    await flush();
    expect(calls).toEqual([{ error: pendingLimit, closed: [false] }]);
    const legacy = saturatedPuts();
    pipe(toChan([1]), legacy, false);
    await flush();
    expect(legacy.closed).toBe(false);
    expect(printedErrors()).toEqual([pendingLimit]);
  });

  it("a take that throws closes `to` too", async () => {
    const to = chan<number>(1);
    const { calls, onError } = recorder(() => [to]);
    pipe(saturatedTakes(), to, { onError });
    await flush();
    expect(calls).toEqual([{ error: pendingLimit, closed: [true] }]);
  });

  it("onError runs before a taker waiting on `to` resumes, so the taker can tell why it ended", async () => {
    const order: string[] = [];
    const to = chan<number>();
    void to.take().then((v) => order.push(`taker got ${v}`));
    pipe(saturatedTakes(), to, { onError: () => order.push("onError") });
    await flush();
    expect(order).toEqual(["onError", "taker got undefined"]);
  });

  it("an onError that throws is printed, not left unhandled", async () => {
    const handlerError = new Error("onError failed");
    const to = saturatedPuts();
    pipe(toChan([1]), to, {
      onError: () => {
        throw handlerError;
      },
    });
    await flush();
    expect(to.closed).toBe(true);
    expect(printedErrors()).toEqual([handlerError, pendingLimit]);
  });
});

describe("mult", () => {
  it("a put to a tap that throws closes every tap, then goes to onError", async () => {
    const full = saturatedPuts();
    const other = chan<number>(5);
    const src = chan<number>(1);
    const { calls, onError } = recorder(() => [full, other]);
    const m = mult(src, { onError });
    tap(m, full);
    tap(m, other);
    src.offer(1);
    await flush();
    expect(calls).toEqual([{ error: pendingLimit, closed: [true, true] }]);
    // A tap added after the failure is closed at once, as after the source closed.
    expect(tap(m, chan<number>()).closed).toBe(true);
  });

  it("without onError the error is printed and the taps closed", async () => {
    const full = saturatedPuts();
    const src = chan<number>(1);
    tap(mult(src), full);
    src.offer(1);
    await flush();
    expect(full.closed).toBe(true);
    expect(printedErrors()).toEqual([pendingLimit]);
  });

  it("a take from the source that throws closes the taps after the values before it", async () => {
    const src = chan<number>(1);
    const a = chan<number>(5);
    const { calls, onError } = recorder(() => [a]);
    tap(mult(src, { onError }), a);
    // The mult's parked take plus 1023 others; the mult's next take will be one too many.
    for (let i = 0; i < 1023; i++) void src.take();
    src.offer(1);
    void src.take();
    await flush();
    expect(calls).toEqual([{ error: pendingLimit, closed: [true] }]);
    expect(await toArray(a)).toEqual([1]);
  });
});

describe("pub", () => {
  it("topicFn throwing closes every subscriber after what was routed to it, then onError", async () => {
    const failure = new Error("topicFn failed");
    const errors: unknown[] = [];
    const src = chan<number>(10);
    const p = pub(
      src,
      (n: number) => {
        if (n < 0) throw failure;
        return n % 2 === 0 ? "even" : "odd";
      },
      undefined,
      { onError: (e) => errors.push(e) },
    );
    const even = sub(p, "even", chan<number>(5));
    const odd = sub(p, "odd", chan<number>(5));
    for (const n of [1, 2, -1, 4]) src.offer(n);
    expect([await toArray(even), await toArray(odd)]).toEqual([[2], [1]]);
    expect(errors).toEqual([failure]);
    // A subscriber of a failed pub is closed at once, as after the source closed.
    const late = sub(p, "even", chan<number>());
    await flush();
    expect(late.closed).toBe(true);
    expect(printed).not.toHaveBeenCalled();
  });

  it("without onError a throwing topicFn is printed and the subscribers closed", async () => {
    const failure = new Error("topicFn failed");
    const src = chan<number>();
    const p = pub(src, (): string => {
      throw failure;
    });
    const s = sub(p, "x", chan<number>(1));
    await src.put(1);
    expect(await toArray(s)).toEqual([]);
    expect(printedErrors()).toEqual([failure]);
  });

  it("a put to a subscriber that throws closes that topic's subscribers; other topics carry on", async () => {
    const errors: unknown[] = [];
    const src = chan<string>(10);
    const p = pub(src, (s: string) => s[0]!, undefined, { onError: (e) => errors.push(e) });
    const full = sub(p, "a", saturatedPuts<string>());
    const sibling = sub(p, "a", chan<string>(10));
    const b = sub(p, "b", chan<string>(10));
    for (const v of ["a1", "b1", "a2", "b2"]) src.offer(v);
    await flush();
    expect(errors).toEqual([pendingLimit]);
    expect([full.closed, sibling.closed, b.closed]).toEqual([true, true, false]);
    expect([b.poll(), b.poll()]).toEqual(["b1", "b2"]);
    // The failed topic is dropped: a new subscriber starts it afresh.
    const again = sub(p, "a", chan<string>(10));
    src.offer("a3");
    src.close();
    expect(await toArray(again)).toEqual(["a3"]);
    expect(await toArray(b)).toEqual([]);
    expect(errors).toHaveLength(1);
  });
});

describe("merge", () => {
  it("a put that throws closes the result, then goes to onError", async () => {
    let out!: Channel<number>;
    const src = chan<number>(1);
    const { calls, onError } = recorder(() => [out]);
    out = merge([src], undefined, { onError });
    for (let i = 0; i < 1024; i++) void out.put(i);
    src.offer(-1);
    await flush();
    expect(calls).toEqual([{ error: pendingLimit, closed: [true] }]);
  });

  it("without onError the error is printed and the result closed", async () => {
    const out = merge([saturatedTakes()]);
    await flush();
    expect(out.closed).toBe(true);
    expect(printedErrors()).toEqual([pendingLimit]);
  });
});

describe("split", () => {
  it("a throwing predicate closes both outputs after the values before it, then onError", async () => {
    const failure = new Error("predicate failed");
    let outs: Channel<number>[] = [];
    const { calls, onError } = recorder(() => outs);
    outs = split(
      (n: number) => {
        if (n === 3) throw failure;
        return n % 2 === 0;
      },
      toChan([1, 2, 3, 4]),
      5,
      5,
      { onError },
    );
    expect([await toArray(outs[0]!), await toArray(outs[1]!)]).toEqual([[2], [1]]);
    expect(calls).toEqual([{ error: failure, closed: [true, true] }]);
  });

  it("a put that throws closes both outputs; without onError it is printed", async () => {
    const [yes, no] = split((n: number) => n > 0, toChan([1]));
    for (let i = 0; i < 1024; i++) void yes.put(i);
    await flush();
    expect([yes.closed, no.closed]).toEqual([true, true]);
    expect(printedErrors()).toEqual([pendingLimit]);
  });
});

describe("toChan and onto", () => {
  async function* failing(failure: Error) {
    yield 1;
    throw failure;
  }

  it("toChan: a failing source closes the channel after its values, then onError", async () => {
    const failure = new Error("source failed");
    let ch!: Channel<number>;
    const { calls, onError } = recorder(() => [ch]);
    ch = toChan(failing(failure), undefined, { onError });
    expect(await toArray(ch)).toEqual([1]);
    expect(calls).toEqual([{ error: failure, closed: [true] }]);
  });

  it("toChan without onError prints the failure", async () => {
    const failure = new Error("source failed");
    expect(await toArray(toChan(failing(failure)))).toEqual([1]);
    await flush();
    expect(printedErrors()).toEqual([failure]);
  });

  it("onto without onError rejects its caller's promise and closes the channel", async () => {
    const ch = saturatedPuts();
    await expect(onto(ch, [1])).rejects.toMatchObject({ code: "ERR_PENDING_LIMIT" });
    expect(ch.closed).toBe(true);
    expect(printed).not.toHaveBeenCalled();
  });

  it("onto with onError resolves false instead of rejecting, the channel closed first", async () => {
    const ch = saturatedPuts();
    const { calls, onError } = recorder(() => [ch]);
    expect(await onto(ch, [1], { onError })).toBe(false);
    expect(calls).toEqual([{ error: pendingLimit, closed: [true] }]);
    const open = chan<number>(1);
    expect(await onto(open, failing(new Error("x")), { close: false, onError })).toBe(false);
    expect([open.closed, open.poll()]).toEqual([false, 1]);
  });
});

describe("pipeline", () => {
  for (const ordered of [true, false]) {
    it(`${ordered ? "ordered" : "unordered"}: a put that throws rejects the pipeline and closes \`to\`, without hanging`, async () => {
      const to = saturatedPuts();
      const onError = vi.fn(() => undefined);
      const run = track(pipeline(1, to, (n: number) => n, toChan([1, 2, 3]), { ordered, onError }));
      for (let i = 0; i < 5 && !run.settled; i++) await flush();
      expect(run.settled).toBe(true);
      expect(run.error).toEqual(pendingLimit);
      expect(to.closed).toBe(true);
      // onError handles failures of fn (core.async's ex-handler), not of the pipeline.
      expect(onError).not.toHaveBeenCalled();
    });
  }

  it("a take from `from` that throws rejects the pipeline and closes `to`", async () => {
    const to = chan<number>(1);
    const run = track(pipeline(2, to, (n: number) => n, saturatedTakes()));
    for (let i = 0; i < 5 && !run.settled; i++) await flush();
    expect(run.error).toEqual(pendingLimit);
    expect(to.closed).toBe(true);
  });
});

describe("onError is checked when the combinator is made", () => {
  it.each<[string, (onError: never) => unknown]>([
    ["pipe", (onError) => pipe(chan(), chan(), { onError })],
    ["mult", (onError) => mult(chan(), { onError })],
    ["pub", (onError) => pub(chan(), () => 1, undefined, { onError })],
    ["merge", (onError) => merge([], undefined, { onError })],
    ["split", (onError) => split(() => true, chan(), undefined, undefined, { onError })],
    ["toChan", (onError) => toChan([], undefined, { onError })],
    ["onto", (onError) => onto(chan(), [], { onError })],
    ["pipeline", (onError) => pipeline(1, chan(), (v) => v, chan(), { onError })],
  ])("%s refuses an onError that is not a function", (_, make) => {
    expect(() => make("log" as never)).toThrowError(
      expect.objectContaining({ code: "ERR_INVALID_ARGUMENT" }),
    );
  });
});
