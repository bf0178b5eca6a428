import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { alts, type BufferType, type Channel, chan, mapPuts, putWith } from "../src/index.js";
import { flush, stateOf, thenables } from "./helpers.js";

// A differential model: the same random operations on a plain channel, given `f(v)` by the
// test, and on `mapPuts(target, f)`, given `v`. Results, the order in which operations
// complete, the channels' state and what is left to drain must agree step for step; `f` must
// run exactly once per put that passed its checks; an `alts` result must name the channel
// the call was given.

type Op =
  | { op: "put"; abortable: boolean }
  | { op: "putAsync" }
  | { op: "offer" }
  | { op: "putWith"; mode: "async" | "block" | "drop" }
  | { op: "altsPut"; withDefault: boolean }
  | { op: "altsTake"; withDefault: boolean }
  | { op: "refused"; pick: number; via: "put" | "putAsync" | "offer" | "alts" }
  | { op: "take"; abortable: boolean }
  | { op: "poll" }
  | { op: "close" }
  | { op: "abort"; pick: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant("put" as const), abortable: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("putAsync" as const) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("offer" as const) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("putWith" as const),
      mode: fc.constantFrom("async" as const, "block" as const, "drop" as const),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant("altsPut" as const), withDefault: fc.boolean() }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant("altsTake" as const), withDefault: fc.boolean() }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("refused" as const),
      pick: fc.nat(),
      via: fc.constantFrom("put" as const, "putAsync" as const, "offer" as const, "alts" as const),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ op: fc.constant("take" as const), abortable: fc.boolean() }),
  },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("poll" as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("close" as const) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("abort" as const), pick: fc.nat() }) },
);

const configs: { cap: number; type: BufferType }[] = [
  { cap: 0, type: "fixed" },
  { cap: 2, type: "fixed" },
  { cap: 1, type: "dropping" },
  { cap: 2, type: "sliding" },
];

/** `undefined` or one of the thenables: refused by every put path. */
function refusedValue(pick: number): unknown {
  const all: unknown[] = [undefined, ...thenables().map(([, v]) => v)];
  return all[pick % all.length];
}

type Event = [id: number, result: unknown];

/** One side of the comparison: a channel, the log of what completed, its abort controllers. */
class Side {
  readonly log: Event[] = [];
  readonly controllers = new Map<number, AbortController>();

  constructor(
    readonly ch: Channel<number>,
    /** What this side puts for the value `v`: `f(v)` on the plain side, `v` on the view. */
    readonly arg: (v: number) => number,
  ) {}

  record(id: number, p: Promise<unknown>): void {
    p.then(
      (r) => this.log.push([id, r]),
      () => this.log.push([id, "aborted"]),
    );
  }

  /** An alts outcome, with `channel` replaced by whether it is the channel given. */
  recordAlt(id: number, p: Promise<{ value: unknown; channel: unknown }>): void {
    this.record(
      id,
      p.then(({ value, channel }) => ({
        value,
        channel: channel === this.ch ? "given" : channel === "default" ? "default" : "other",
      })),
    );
  }

  signal(id: number, abortable: boolean): AbortSignal | undefined {
    if (!abortable) return undefined;
    const ac = new AbortController();
    this.controllers.set(id, ac);
    return ac.signal;
  }

  /** Runs one step; returns what it returned synchronously (a refusal's code). */
  step(id: number, step: Op, value: number): unknown {
    const ch = this.ch;
    const v = this.arg(value);
    try {
      switch (step.op) {
        case "put":
          this.record(id, ch.put(v, { signal: this.signal(id, step.abortable) }));
          return undefined;
        case "putAsync":
          return ch.putAsync(v, (ok) => this.log.push([id, ok]));
        case "offer":
          return ch.offer(v);
        case "putWith":
          this.record(id, putWith(ch, v, step.mode));
          return undefined;
        case "altsPut":
          this.recordAlt(id, step.withDefault ? alts([[ch, v]], { default: 0 }) : alts([[ch, v]]));
          return undefined;
        case "altsTake":
          this.recordAlt(id, step.withDefault ? alts([ch], { default: 0 }) : alts([ch]));
          return undefined;
        case "refused": {
          const bad = refusedValue(step.pick) as number;
          if (step.via === "alts") alts([[ch, bad]]);
          else if (step.via === "put") ch.put(bad);
          else ch[step.via](bad);
          return "not refused";
        }
        case "take":
          this.record(id, ch.take({ signal: this.signal(id, step.abortable) }));
          return undefined;
        case "poll":
          return ch.poll();
        case "close":
          ch.close();
          return undefined;
        case "abort": {
          const ids = [...this.controllers.keys()];
          if (ids.length === 0) return undefined;
          const target = ids[step.pick % ids.length]!;
          this.controllers.get(target)!.abort();
          this.controllers.delete(target);
          return target;
        }
      }
    } catch (error) {
      return (error as { code?: unknown }).code;
    }
  }
}

async function runScenario(cap: number, type: BufferType, ops: Op[]): Promise<void> {
  const make = () => (cap === 0 ? chan<number>() : chan<number>({ buffer: cap, bufferType: type }));
  const f = (n: number) => n * 2 + 1;
  let calls = 0;
  const plain = new Side(make(), f);
  const target = make();
  const view = new Side(
    mapPuts(target, (n: number) => {
      calls++;
      return f(n);
    }),
    (n) => n,
  );
  let expectedCalls = 0;
  let nextValue = 100;
  for (let id = 0; id < ops.length; id++) {
    const step = ops[id]!;
    const value = nextValue++;
    const fromPlain = plain.step(id, step, value);
    const fromView = view.step(id, step, value);
    expect(fromView).toEqual(fromPlain);
    if (step.op === "refused") {
      expect(fromView).toMatch(/^ERR_(UNDEFINED_VALUE|THENABLE)$/);
    } else if (["put", "putAsync", "offer", "putWith", "altsPut"].includes(step.op)) {
      expectedCalls++;
    }
    expect(calls).toBe(expectedCalls);
    await flush();
    expect(view.log.splice(0)).toEqual(plain.log.splice(0));
    expect(stateOf(view.ch)).toEqual(stateOf(plain.ch));
    expect(stateOf(target)).toEqual(stateOf(plain.ch));
  }
  const drain = (ch: Channel<number>) => {
    const rest: number[] = [];
    for (let v = ch.poll(); v !== undefined; v = ch.poll()) rest.push(v);
    return rest;
  };
  expect(drain(view.ch)).toEqual(drain(plain.ch));
}

describe("mapPuts model (fast-check): a view is its target with f applied to puts", () => {
  for (const { cap, type } of configs) {
    it(`agrees with a plain channel given f(v): ${type} buffer of ${cap}`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 50 }), (ops) =>
          runScenario(cap, type, ops),
        ),
        { numRuns: 100 },
      );
    });
  }
});
