import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { alts, type BufferType, type Channel, chan, type PutMode, putWith } from "../src/index.js";
import { flush, thenables } from "./helpers.js";

// A model of a channel as plain arrays, checked step by step against the real channel:
// results, the order in which operations (and the parked operations they release) complete,
// and the read-only state after every step. Some puts carry a thenable instead of a number:
// the channel must refuse it (ERR_THENABLE) and, like the model, change nothing: no event,
// no state change, nothing different left to drain.

/** Which of `thenables()` a put carries instead of a number; null for a number. */
type Thenable = number | null;

type Op =
  | { op: "put"; abortable: boolean; thenable: Thenable }
  | { op: "putAsync"; thenable: Thenable }
  | { op: "offer"; thenable: Thenable }
  | { op: "putThenable"; via: PutMode | "alts"; thenable: number }
  | { op: "take"; abortable: boolean }
  | { op: "next" }
  | { op: "poll" }
  | { op: "close" }
  | { op: "abort"; pick: number };

type Result = boolean | number | undefined | "aborted";
type Event = [id: number, result: Result];

interface PendingPut {
  id: number;
  value: number;
}
interface PendingTake {
  id: number;
}

class Model {
  buf: number[] = [];
  puts: PendingPut[] = [];
  takes: PendingTake[] = [];
  closed = false;
  drops = 0;
  constructor(
    readonly cap: number,
    readonly type: BufferType,
  ) {}

  /** Returns the events this step produces, in completion order; `park` when it waits. */
  put(id: number, value: number, events: Event[]): void {
    if (this.closed) {
      events.push([id, false]);
      return;
    }
    const taker = this.takes.shift();
    if (taker !== undefined) {
      events.push([taker.id, value], [id, true]);
    } else if (this.buf.length < this.cap) {
      this.buf.push(value);
      events.push([id, true]);
    } else if (this.type === "dropping") {
      this.drops++;
      events.push([id, true]);
    } else if (this.type === "sliding") {
      this.buf.shift();
      this.buf.push(value);
      this.drops++;
      events.push([id, true]);
    } else {
      this.puts.push({ id, value });
    }
  }

  offer(value: number): boolean {
    if (this.closed) return false;
    if (this.takes.length === 0 && this.buf.length >= this.cap && this.type === "fixed") {
      return false;
    }
    const events: Event[] = [];
    this.put(-1, value, events);
    return true;
  }

  /** Completions produced by an offer (a released taker). */
  offerEvents(value: number): Event[] {
    if (this.closed) return [];
    const taker = this.takes[0];
    if (taker !== undefined) return [[taker.id, value]];
    return [];
  }

  take(id: number, events: Event[]): void {
    const v = this.takeNow(events);
    if (v !== null) events.push([id, v]);
    else if (this.closed) events.push([id, undefined]);
    else this.takes.push({ id });
  }

  /** A value available now (releasing a parked put into the buffer), else null. */
  takeNow(events: Event[]): number | null {
    if (this.buf.length > 0) {
      const v = this.buf.shift()!;
      const p = this.puts.shift();
      if (p !== undefined) {
        this.buf.push(p.value);
        events.push([p.id, true]);
      }
      return v;
    }
    const p = this.puts.shift();
    if (p !== undefined) {
      events.push([p.id, true]);
      return p.value;
    }
    return null;
  }

  close(events: Event[]): void {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.takes) events.push([t.id, undefined]);
    this.takes = [];
  }
}

// About one put in six carries a thenable.
const thenableArb: fc.Arbitrary<Thenable> = fc.oneof(
  { weight: 5, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.nat() },
);

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant("put" as const),
      abortable: fc.boolean(),
      thenable: thenableArb,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant("putAsync" as const), thenable: thenableArb }),
  },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("offer" as const), thenable: thenableArb }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("putThenable" as const),
      via: fc.constantFrom("async" as const, "block" as const, "drop" as const, "alts" as const),
      thenable: fc.nat(),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ op: fc.constant("take" as const), abortable: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("next" as const) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("poll" as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("close" as const) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("abort" as const), pick: fc.nat() }) },
);

const configs: { cap: number; type: BufferType }[] = [
  { cap: 0, type: "fixed" },
  { cap: 1, type: "fixed" },
  { cap: 3, type: "fixed" },
  { cap: 1, type: "dropping" },
  { cap: 2, type: "dropping" },
  { cap: 1, type: "sliding" },
  { cap: 3, type: "sliding" },
];

/** A fresh thenable of the kind `pick` selects. */
function thenable(pick: number): number {
  const all = thenables();
  return all[pick % all.length]![1] as number;
}

/** A put of a thenable: refused with ERR_THENABLE, synchronously. */
function expectRefused(attempt: () => unknown): void {
  expect(attempt).toThrowError(expect.objectContaining({ code: "ERR_THENABLE" }));
}

async function runScenario(cap: number, type: BufferType, ops: Op[]): Promise<void> {
  const ch: Channel<number> =
    cap === 0 ? chan<number>() : chan<number>({ buffer: cap, bufferType: type });
  const model = new Model(cap, type);
  const log: Event[] = [];
  const controllers = new Map<number, AbortController>();
  let nextId = 0;
  let nextValue = 100;
  const record = (id: number, p: Promise<Result>) => {
    p.then(
      (r) => log.push([id, r]),
      () => log.push([id, "aborted"]),
    );
  };

  for (const step of ops) {
    const expected: Event[] = [];
    const id = nextId++;
    switch (step.op) {
      case "put": {
        if (step.thenable !== null) {
          const value = thenable(step.thenable);
          const signal = step.abortable ? new AbortController().signal : undefined;
          expectRefused(() => record(id, ch.put(value, { signal })));
          break;
        }
        const value = nextValue++;
        let signal: AbortSignal | undefined;
        if (step.abortable) {
          const ac = new AbortController();
          controllers.set(id, ac);
          signal = ac.signal;
        }
        record(id, ch.put(value, { signal }));
        model.put(id, value, expected);
        break;
      }
      case "putAsync": {
        if (step.thenable !== null) {
          const value = thenable(step.thenable);
          expectRefused(() => ch.putAsync(value, (accepted) => log.push([id, accepted])));
          break;
        }
        const value = nextValue++;
        const ok = ch.putAsync(value, (accepted) => log.push([id, accepted]));
        expect(ok).toBe(!model.closed);
        model.put(id, value, expected);
        break;
      }
      case "offer": {
        if (step.thenable !== null) {
          const value = thenable(step.thenable);
          expectRefused(() => ch.offer(value));
          break;
        }
        const value = nextValue++;
        const wanted = model.offerEvents(value);
        expect(ch.offer(value)).toBe(model.offer(value));
        expected.push(...wanted);
        break;
      }
      case "take": {
        let signal: AbortSignal | undefined;
        if (step.abortable) {
          const ac = new AbortController();
          controllers.set(id, ac);
          signal = ac.signal;
        }
        record(id, ch.take({ signal }));
        model.take(id, expected);
        break;
      }
      case "next": {
        ch[Symbol.asyncIterator]()
          .next()
          .then((r) => log.push([id, r.done ? undefined : r.value]));
        model.take(id, expected);
        break;
      }
      case "poll": {
        const got = model.takeNow(expected);
        expect(ch.poll()).toBe(got === null ? undefined : got);
        break;
      }
      case "close":
        ch.close();
        model.close(expected);
        break;
      case "abort": {
        const live = [...controllers.keys()].filter(
          (k) => model.puts.some((p) => p.id === k) || model.takes.some((t) => t.id === k),
        );
        if (live.length === 0) break;
        const target = live[step.pick % live.length]!;
        controllers.get(target)!.abort();
        controllers.delete(target);
        model.puts = model.puts.filter((p) => p.id !== target);
        model.takes = model.takes.filter((t) => t.id !== target);
        expected.push([target, "aborted"]);
        break;
      }
      case "putThenable": {
        const value = thenable(step.thenable);
        const via = step.via;
        if (via === "alts") expectRefused(() => alts([[ch, value]]));
        else expectRefused(() => putWith(ch, value, via));
        break;
      }
    }
    await flush();
    expect(log.splice(0)).toEqual(expected);
    expect({
      size: ch.size,
      pendingPuts: ch.pendingPuts,
      pendingTakes: ch.pendingTakes,
      drops: ch.drops,
      closed: ch.closed,
    }).toEqual({
      size: model.buf.length,
      pendingPuts: model.puts.length,
      pendingTakes: model.takes.length,
      drops: model.drops,
      closed: model.closed,
    });
  }
  // Drain: what is left comes out in model order.
  const rest: (number | undefined)[] = [];
  for (let v = ch.poll(); v !== undefined; v = ch.poll()) rest.push(v);
  const modelRest: number[] = [];
  for (let v = model.takeNow([]); v !== null; v = model.takeNow([])) modelRest.push(v);
  expect(rest).toEqual(modelRest);
}

describe("channel model (fast-check)", () => {
  for (const { cap, type } of configs) {
    it(`matches the array model step by step: ${type} buffer of ${cap}`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 60 }), (ops) =>
          runScenario(cap, type, ops),
        ),
        { numRuns: 150 },
      );
    });
  }
});
