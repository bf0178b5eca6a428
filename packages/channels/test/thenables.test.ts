import { getEventListeners } from "node:events";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  alts,
  type Channel,
  chan,
  onto,
  pipeline,
  promiseChan,
  putWith,
  ThenableValueError,
  toArray,
  toChan,
} from "../src/index.js";
import { flush, handledRejection, stateOf, thenables, thenGetterError, track } from "./helpers.js";

// A promise or other thenable cannot travel on a channel: `await take()` would adopt it (a
// rejected one would throw out of the taker's loop, one resolving to `undefined` would read as
// "closed"), while `for await` and `alts` would hand over the promise itself. Every put path
// refuses it with ERR_THENABLE before anything changes.

function expectThenableRefusal(attempt: () => unknown, value: unknown): void {
  let thrown: unknown;
  try {
    attempt();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(ThenableValueError);
  expect(thrown).toBeInstanceOf(TypeError);
  expect((thrown as ThenableValueError).code).toBe("ERR_THENABLE");
  const getterThrew = (() => {
    try {
      void (value as { then?: unknown }).then;
      return false;
    } catch {
      return true;
    }
  })();
  expect((thrown as Error).cause).toBe(getterThrew ? thenGetterError : undefined);
}

/** Channels in each state a put path can meet, with what must still hold afterwards. */
function scenarios(): {
  name: string;
  ch: Channel<unknown>;
  /** Values a drain must yield afterwards, in order. */
  drained: unknown[];
  /** Settles what the scenario left pending, then checks it saw nothing refused. */
  finish: () => Promise<void>;
}[] {
  const list = [];
  {
    const ch = chan<unknown>();
    const take = track(ch.take());
    list.push({
      name: "unbuffered with a parked taker",
      ch,
      drained: [],
      finish: async () => {
        await flush();
        expect(take.settled).toBe(false);
        expect(ch.offer("real")).toBe(true);
        await flush();
        expect(take.value).toBe("real");
      },
    });
  }
  {
    const ch = chan<unknown>(2);
    ch.offer("a");
    list.push({ name: "fixed with room", ch, drained: ["a"], finish: async () => {} });
  }
  {
    const ch = chan<unknown>(1);
    ch.offer("a");
    const parked = track(ch.put("b"));
    list.push({
      name: "fixed, full, with a parked put",
      ch,
      drained: ["a", "b"],
      finish: async () => {
        await flush();
        expect(parked.value).toBe(true);
      },
    });
  }
  for (const bufferType of ["dropping", "sliding"] as const) {
    const onDrop = vi.fn();
    const ch = chan<unknown>({ buffer: 1, bufferType, onDrop });
    ch.offer("a");
    list.push({
      name: `${bufferType}, full`,
      ch,
      drained: ["a"],
      finish: async () => {
        expect(onDrop).not.toHaveBeenCalled();
      },
    });
  }
  {
    const ch = promiseChan<unknown>();
    const take = track(ch.take());
    list.push({
      name: "promiseChan with a parked taker",
      ch,
      drained: [],
      finish: async () => {
        await flush();
        expect(take.settled).toBe(false);
        ch.close();
        await flush();
        expect(take.settled).toBe(true);
        expect(take.value).toBeUndefined();
      },
    });
  }
  {
    const ch = chan<unknown>(1);
    ch.close();
    list.push({ name: "closed", ch, drained: [], finish: async () => {} });
  }
  return list;
}

describe("a thenable is refused by every put path", () => {
  for (const [kind] of thenables()) {
    it(`${kind}: put, put with a signal, putAsync, offer, putWith and alts throw ERR_THENABLE and change nothing`, async () => {
      for (const { name, ch, drained, finish } of scenarios()) {
        const before = stateOf(ch);
        const signal = new AbortController().signal;
        const callback = vi.fn();
        const ready = chan<string>(1);
        ready.offer("untouched");
        const attempts: [string, (value: unknown) => unknown][] = [
          ["put", (v) => ch.put(v)],
          ["put with a signal", (v) => ch.put(v, { signal })],
          ["putAsync", (v) => ch.putAsync(v, callback)],
          ["offer", (v) => ch.offer(v)],
          ["putWith async", (v) => putWith(ch, v, "async")],
          ["putWith block", (v) => putWith(ch, v, "block")],
          ["putWith drop", (v) => putWith(ch, v, "drop")],
          ["alts put", (v) => alts([[ch, v]])],
          ["alts put beside a ready take", (v) => alts([ready, [ch, v]], { priority: true })],
          ["alts put with a default", (v) => alts([[ch, v]], { default: "none" })],
        ];
        for (const [path, attempt] of attempts) {
          const value = thenables().find(([k]) => k === kind)![1];
          expectThenableRefusal(() => attempt(value), value);
          expect(stateOf(ch), `${name}, ${path}`).toEqual(before);
        }
        expect(getEventListeners(signal, "abort")).toHaveLength(0);
        expect(ready.size).toBe(1);
        await flush();
        expect(callback).not.toHaveBeenCalled();
        const rest: unknown[] = [];
        for (let v = ch.poll(); v !== undefined && rest.length < 5; v = ch.poll()) rest.push(v);
        expect(rest, name).toEqual(drained);
        await finish();
      }
    });
  }

  it("a value whose then getter throws is refused, with the getter's error as cause", () => {
    const ch = chan<unknown>(1);
    const value = thenables().find(([k]) => k.includes("getter"))![1];
    expect(() => ch.offer(value)).toThrowError(
      expect.objectContaining({ code: "ERR_THENABLE", cause: thenGetterError }),
    );
    expect(ch.size).toBe(0);
  });
});

describe("what is not a thenable travels as it is", () => {
  it("then that is not a function, functions, null-prototype objects and a wrapped promise", async () => {
    const promise = handledRejection(new Error("carried, not adopted"));
    const values: unknown[] = [
      // biome-ignore lint/suspicious/noThenProperty: a then that is not a function
      { then: 1 },
      // biome-ignore lint/suspicious/noThenProperty: a then that is not a function
      { then: null },
      () => 1,
      Object.create(null),
      [Promise.resolve(1)],
      { promise },
      null,
      0,
      "",
      false,
    ];
    const ch = chan<unknown>(values.length);
    for (const v of values) expect(ch.offer(v)).toBe(true);
    ch.close();
    const taken = await toArray(ch);
    expect(taken).toHaveLength(values.length);
    taken.forEach((v, i) => {
      expect(v).toBe(values[i]);
    });
  });

  it("a wrapped promise reaches take, for await and alts alike, never adopted", async () => {
    const promise = handledRejection(new Error("still a promise"));
    const ch = chan<{ promise: Promise<never> }>(3);
    for (let i = 0; i < 3; i++) ch.offer({ promise });
    const viaTake = await ch.take();
    const viaAlts = (await alts([ch])).value;
    let viaIterator: unknown;
    for await (const v of ch) {
      viaIterator = v;
      break;
    }
    for (const v of [viaTake, viaAlts, viaIterator]) expect(v).toEqual({ promise });
  });

  it("primitives are let through on typeof alone: no property lookup", () => {
    let reads = 0;
    const protos = [Number.prototype, String.prototype, Boolean.prototype];
    for (const proto of protos) {
      // biome-ignore lint/suspicious/noThenProperty: counts reads of then on primitives
      Object.defineProperty(proto, "then", {
        configurable: true,
        get() {
          reads++;
          return undefined;
        },
      });
    }
    try {
      const ch = chan<number | string | boolean>(8);
      ch.offer(1);
      void ch.put("a");
      ch.putAsync(true);
      void alts([[ch, 2]]);
      expect(ch.size).toBe(4);
      expect(reads).toBe(0);
    } finally {
      for (const proto of protos) delete (proto as { then?: unknown }).then;
    }
  });

  it("an object's then is read once per put", () => {
    let reads = 0;
    const value = {
      // biome-ignore lint/suspicious/noThenProperty: counts reads of a then that is not callable
      get then() {
        reads++;
        return "not callable";
      },
    };
    const ch = chan<unknown>(1);
    ch.offer(value);
    expect(reads).toBe(1);
    expect(ch.poll()).toBe(value);
  });
});

describe("combinators meet thenables in their sources", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("onto refuses a promise in a plain iterable instead of awaiting it", async () => {
    const ch = chan<unknown>(5);
    await expect(onto(ch, [1, Promise.resolve(2), 3])).rejects.toMatchObject({
      code: "ERR_THENABLE",
    });
    expect(ch.closed).toBe(true);
    expect(await toArray(ch)).toEqual([1]);
  });

  it("onto refuses a rejected promise with ERR_THENABLE, not with the promise's reason", async () => {
    const ch = chan<unknown>(5);
    const reason = new Error("the promise's own rejection");
    await expect(onto(ch, [handledRejection(reason)], false)).rejects.toMatchObject({
      code: "ERR_THENABLE",
    });
    expect([ch.closed, ch.size]).toEqual([false, 0]);
  });

  it("onto refuses a thenable value from an async iterator", async () => {
    const thenable = Promise.resolve(1);
    const source: AsyncIterable<unknown> = {
      [Symbol.asyncIterator]: () => ({
        next: () => Promise.resolve({ value: thenable, done: false }),
      }),
    };
    const ch = chan<unknown>(1);
    await expect(onto(ch, source)).rejects.toMatchObject({ code: "ERR_THENABLE" });
    expect(ch.size).toBe(0);
  });

  it("toChan over promises closes after the values before them and reports ERR_THENABLE", async () => {
    const errors: unknown[] = [];
    const ch = toChan<unknown>([1, handledRejection(), 3], undefined, {
      onError: (e) => errors.push(e),
    });
    expect(await toArray(ch)).toEqual([1]);
    expect(errors).toEqual([expect.objectContaining({ code: "ERR_THENABLE" })]);
  });

  it("toChan over promises without onError prints the refusal instead of leaving it unhandled", async () => {
    const printed = vi.spyOn(console, "error").mockImplementation(() => {});
    const ch = toChan<unknown>([Promise.resolve(undefined), 2]);
    expect(await toArray(ch)).toEqual([]);
    await flush();
    expect(printed).toHaveBeenCalledTimes(1);
    expect(printed.mock.calls[0]).toContainEqual(expect.objectContaining({ code: "ERR_THENABLE" }));
  });

  it("pipeline fails with ERR_THENABLE when onError returns a promise, and closes its output", async () => {
    const to = chan<unknown>(5);
    const run = pipeline(
      1,
      to,
      (n: number) => {
        if (n === 2) throw new Error("fn failed");
        return n;
      },
      toChan([1, 2, 3]),
      { onError: () => Promise.resolve("late") as never },
    );
    await expect(run).rejects.toMatchObject({ code: "ERR_THENABLE" });
    expect(to.closed).toBe(true);
    expect(await toArray(to)).toEqual([1]);
  });

  it("pipeline treats a result whose then getter throws as a failure of fn", async () => {
    const to = chan<string>(5);
    const seen: unknown[] = [];
    await pipeline(
      1,
      to,
      () => thenables().find(([k]) => k.includes("getter"))![1] as string,
      toChan([1]),
      {
        onError: (e) => {
          seen.push(e);
          return "replaced";
        },
      },
    );
    expect(seen).toEqual([thenGetterError]);
    expect(await toArray(to)).toEqual(["replaced"]);
  });
});
