import { describe, expect, it } from "vitest";
import {
  chan,
  InvalidBufferError,
  PendingLimitError,
  putWith,
  UndefinedValueError,
} from "../src/index.js";
import { flush, track } from "./helpers.js";

describe("chan construction", () => {
  it("makes an unbuffered fixed channel by default", () => {
    const ch = chan<number>();
    expect([ch.capacity, ch.bufferType, ch.size, ch.closed, ch.drops]).toEqual([
      0,
      "fixed",
      0,
      false,
      0,
    ]);
    expect([ch.pendingPuts, ch.pendingTakes]).toEqual([0, 0]);
  });

  it("takes a number as a fixed buffer size and an options bag", () => {
    expect(chan(3).capacity).toBe(3);
    const s = chan({ buffer: 2, bufferType: "sliding" });
    expect([s.capacity, s.bufferType]).toEqual([2, "sliding"]);
    const d = chan({ buffer: 1, bufferType: "dropping" });
    expect(d.bufferType).toBe("dropping");
    expect(chan({}).capacity).toBe(0);
  });

  it.each([[-1], [1.5], [Number.NaN], [Number.POSITIVE_INFINITY]])(
    "refuses buffer size %s",
    (n) => {
      expect(() => chan(n)).toThrow(InvalidBufferError);
      expect(() => chan({ buffer: n })).toThrowError(
        expect.objectContaining({ code: "ERR_INVALID_BUFFER" }),
      );
    },
  );

  it("refuses size 0 for dropping and sliding buffers, unknown types and bad onDrop", () => {
    expect(() => chan({ bufferType: "dropping" })).toThrow(InvalidBufferError);
    expect(() => chan({ buffer: 0, bufferType: "sliding" })).toThrow(InvalidBufferError);
    expect(() => chan({ buffer: 1, bufferType: "lifo" as never })).toThrow(InvalidBufferError);
    expect(() => chan({ buffer: "2" as never })).toThrow(InvalidBufferError);
    expect(() => chan({ buffer: 1, onDrop: 3 as never })).toThrow(InvalidBufferError);
  });
});

describe("unbuffered rendezvous", () => {
  it("a put waits for a taker and resolves true when taken", async () => {
    const ch = chan<number>();
    const put = track(ch.put(1));
    await flush();
    expect(put.settled).toBe(false);
    expect(ch.pendingPuts).toBe(1);
    expect(await ch.take()).toBe(1);
    await flush();
    expect(put.value).toBe(true);
    expect(ch.pendingPuts).toBe(0);
  });

  it("a take waits for a putter", async () => {
    const ch = chan<string>();
    const take = track(ch.take());
    await flush();
    expect(take.settled).toBe(false);
    expect(ch.pendingTakes).toBe(1);
    expect(await ch.put("a")).toBe(true);
    await flush();
    expect(take.value).toBe("a");
  });

  it("offer succeeds only with a waiting taker, poll only with a waiting putter", async () => {
    const ch = chan<number>();
    expect(ch.offer(1)).toBe(false);
    expect(ch.poll()).toBeUndefined();
    const take = ch.take();
    expect(ch.offer(2)).toBe(true);
    expect(await take).toBe(2);
    const put = ch.put(3);
    expect(ch.poll()).toBe(3);
    expect(await put).toBe(true);
  });

  it("pending takes complete in FIFO order", async () => {
    const ch = chan<number>();
    const order: number[] = [];
    const takes = [0, 1, 2].map((i) => ch.take().then((v) => order.push(i * 10 + (v ?? -1))));
    ch.offer(1);
    ch.offer(2);
    ch.offer(3);
    await Promise.all(takes);
    expect(order).toEqual([1, 12, 23]);
  });

  it("pending puts complete in FIFO order", async () => {
    const ch = chan<number>();
    const done: number[] = [];
    const puts = [1, 2, 3].map((v) => ch.put(v).then(() => done.push(v)));
    expect([ch.poll(), ch.poll(), ch.poll()]).toEqual([1, 2, 3]);
    await Promise.all(puts);
    expect(done).toEqual([1, 2, 3]);
  });
});

describe("fixed buffer", () => {
  it("accepts puts up to capacity, then parks them; takes refill from parked puts", async () => {
    const ch = chan<number>(2);
    expect(await ch.put(1)).toBe(true);
    expect(ch.offer(2)).toBe(true);
    expect(ch.offer(3)).toBe(false);
    const p3 = track(ch.put(3));
    await flush();
    expect(p3.settled).toBe(false);
    expect([ch.size, ch.pendingPuts]).toEqual([2, 1]);
    expect(ch.poll()).toBe(1);
    await flush();
    expect(p3.value).toBe(true);
    expect([ch.size, ch.pendingPuts]).toEqual([2, 0]);
    expect(await ch.take()).toBe(2);
    expect(await ch.take()).toBe(3);
    expect(ch.size).toBe(0);
  });

  it("grows its ring storage past 16 and keeps FIFO order across wraparound", () => {
    const ch = chan<number>(100);
    const accepted: number[] = [];
    const out: number[] = [];
    let next = 0;
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 7; i++) {
        if (ch.offer(next)) accepted.push(next);
        next++;
      }
      for (let i = 0; i < 5; i++) out.push(ch.poll()!);
    }
    expect(ch.size).toBe(95);
    while (ch.size > 0) out.push(ch.poll()!);
    expect(out).toEqual(accepted);
    expect(accepted.length).toBeLessThan(next);
  });
});

describe("dropping and sliding buffers", () => {
  it("dropping keeps the oldest values, counts and reports each drop", () => {
    const dropped: [number, string][] = [];
    const ch = chan<number>({
      buffer: 2,
      bufferType: "dropping",
      onDrop: (v, reason) => dropped.push([v, reason]),
    });
    expect([ch.offer(1), ch.offer(2), ch.offer(3), ch.putAsync(4)]).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(ch.drops).toBe(2);
    expect(dropped).toEqual([
      [3, "buffer-dropped"],
      [4, "buffer-dropped"],
    ]);
    expect([ch.poll(), ch.poll(), ch.poll()]).toEqual([1, 2, undefined]);
  });

  it("sliding evicts the oldest values, counts and reports each eviction", async () => {
    const dropped: [number, string][] = [];
    const ch = chan<number>({
      buffer: 2,
      bufferType: "sliding",
      onDrop: (v, reason) => dropped.push([v, reason]),
    });
    expect(await ch.put(1)).toBe(true);
    expect(await ch.put(2)).toBe(true);
    expect(await ch.put(3)).toBe(true);
    expect(ch.offer(4)).toBe(true);
    expect(ch.drops).toBe(2);
    expect(dropped).toEqual([
      [1, "buffer-evicted"],
      [2, "buffer-evicted"],
    ]);
    expect([ch.poll(), ch.poll(), ch.poll()]).toEqual([3, 4, undefined]);
  });

  it("a put never waits on a dropping or sliding buffer, even without onDrop", async () => {
    const s = chan<number>({ buffer: 1, bufferType: "sliding" });
    const d = chan<number>({ buffer: 1, bufferType: "dropping" });
    for (let i = 1; i <= 5; i++) {
      expect(await s.put(i)).toBe(true);
      expect(await d.put(i)).toBe(true);
    }
    expect([s.poll(), d.poll(), s.drops, d.drops]).toEqual([5, 1, 4, 4]);
  });

  it("a sliding buffer larger than 16 slides across its grown storage", () => {
    const ch = chan<number>({ buffer: 20, bufferType: "sliding" });
    for (let i = 0; i < 50; i++) ch.offer(i);
    const out: number[] = [];
    while (ch.size > 0) out.push(ch.poll()!);
    expect(out).toEqual(Array.from({ length: 20 }, (_, i) => 30 + i));
    expect(ch.drops).toBe(30);
  });

  it("an exception thrown by onDrop reaches the putter after the state is updated", () => {
    const ch = chan<number>({
      buffer: 1,
      bufferType: "sliding",
      onDrop: () => {
        throw new Error("hook");
      },
    });
    ch.offer(1);
    expect(() => ch.offer(2)).toThrow("hook");
    expect([ch.poll(), ch.drops]).toEqual([2, 1]);
  });
});

describe("close", () => {
  it("is idempotent; pending takes resolve undefined", async () => {
    const ch = chan<number>();
    const t1 = ch.take();
    const t2 = ch.take();
    ch.close();
    ch.close();
    expect(ch.closed).toBe(true);
    expect(await t1).toBeUndefined();
    expect(await t2).toBeUndefined();
    expect(await ch.take()).toBeUndefined();
    expect(ch.pendingTakes).toBe(0);
  });

  it("keeps buffered values and puts parked before the close takeable", async () => {
    const ch = chan<number>(1);
    ch.offer(1);
    const parked = track(ch.put(2));
    let cbResult: boolean | undefined;
    ch.putAsync(3, (ok) => {
      cbResult = ok;
    });
    ch.close();
    expect(await ch.put(4)).toBe(false);
    expect(ch.offer(5)).toBe(false);
    expect(await ch.take()).toBe(1);
    expect(await ch.take()).toBe(2);
    expect(ch.poll()).toBe(3);
    expect(await ch.take()).toBeUndefined();
    await flush();
    expect(parked.value).toBe(true);
    expect(cbResult).toBe(true);
  });

  it("keeps unbuffered parked puts takeable after close", async () => {
    const ch = chan<number>();
    const put = ch.put(7);
    ch.close();
    expect(await ch.take()).toBe(7);
    expect(await put).toBe(true);
    expect(await ch.take()).toBeUndefined();
  });
});

describe("putAsync", () => {
  it("returns true when accepted or queued, false when closed; the callback is always async", async () => {
    const ch = chan<number>();
    const calls: boolean[] = [];
    expect(ch.putAsync(1, (ok) => calls.push(ok))).toBe(true);
    expect(ch.pendingPuts).toBe(1);
    expect(ch.poll()).toBe(1);
    expect(calls).toEqual([]);
    await flush();
    expect(calls).toEqual([true]);
    const buffered = chan<number>(1);
    expect(buffered.putAsync(2, (ok) => calls.push(ok))).toBe(true);
    expect(calls).toEqual([true]);
    await flush();
    expect(calls).toEqual([true, true]);
    ch.close();
    expect(ch.putAsync(3, (ok) => calls.push(ok))).toBe(false);
    expect(ch.putAsync(4)).toBe(false);
    await flush();
    expect(calls).toEqual([true, true, false]);
  });

  it("queues without a callback", async () => {
    const ch = chan<number>();
    ch.putAsync(1);
    expect(await ch.take()).toBe(1);
  });
});

describe("undefined values", () => {
  it("cannot be put by any operation", () => {
    const ch = chan<number | undefined>(1);
    expect(() => ch.put(undefined)).toThrow(UndefinedValueError);
    expect(() => ch.put(undefined)).toThrow(TypeError);
    expect(() => ch.putAsync(undefined)).toThrowError(
      expect.objectContaining({ code: "ERR_UNDEFINED_VALUE" }),
    );
    expect(() => ch.offer(undefined)).toThrow(TypeError);
    expect(ch.size).toBe(0);
  });

  it("null is an ordinary value", async () => {
    const ch = chan<null>(1);
    expect(ch.offer(null)).toBe(true);
    expect(await ch.take()).toBeNull();
  });
});

describe("pending limits", () => {
  it("allows 1024 pending puts and throws PendingLimitError synchronously on the next", () => {
    const ch = chan<number>();
    for (let i = 0; i < 1024; i++) void ch.put(i);
    expect(ch.pendingPuts).toBe(1024);
    expect(() => ch.put(1)).toThrow(PendingLimitError);
    expect(() => ch.putAsync(1)).toThrowError(
      expect.objectContaining({ code: "ERR_PENDING_LIMIT", operation: "put" }),
    );
    expect(ch.offer(1)).toBe(false);
    expect(ch.poll()).toBe(0);
    expect(() => ch.putAsync(1)).not.toThrow();
  });

  it("allows 1024 pending takes and throws on the next, also for iteration", () => {
    const ch = chan<number>();
    for (let i = 0; i < 1024; i++) void ch.take();
    expect(ch.pendingTakes).toBe(1024);
    expect(() => ch.take()).toThrowError(
      expect.objectContaining({ code: "ERR_PENDING_LIMIT", operation: "take", limit: 1024 }),
    );
    expect(() => ch[Symbol.asyncIterator]().next()).toThrow(PendingLimitError);
    expect(ch.poll()).toBeUndefined();
    expect(ch.offer(1)).toBe(true);
    expect(ch.pendingTakes).toBe(1023);
  });
});

describe("abort signals", () => {
  it("operations with a signal follow the same rules: buffering past 16, limits", async () => {
    const ac = new AbortController();
    const { signal } = ac;
    const big = chan<number>(40);
    for (let i = 0; i < 40; i++) expect(await big.put(i, { signal })).toBe(true);
    expect(big.size).toBe(40);
    expect(await big.take({ signal })).toBe(0);
    const closed = chan<number>();
    closed.close();
    expect(await closed.put(1, { signal })).toBe(false);
    expect(await closed.take({ signal })).toBeUndefined();
    const full = chan<number>();
    for (let i = 0; i < 1024; i++) void full.put(i);
    expect(() => full.put(1, { signal })).toThrow(PendingLimitError);
    const empty = chan<number>();
    for (let i = 0; i < 1024; i++) void empty.take();
    expect(() => empty.take({ signal })).toThrow(PendingLimitError);
  });

  it("an aborted put is removed from the queue and rejects with the reason", async () => {
    const ch = chan<number>();
    const ac = new AbortController();
    const p = ch.put(1, { signal: ac.signal });
    const keep = ch.put(2);
    expect(ch.pendingPuts).toBe(2);
    ac.abort(new Error("stop"));
    await expect(p).rejects.toThrow("stop");
    expect(ch.pendingPuts).toBe(1);
    expect(await ch.take()).toBe(2);
    expect(await keep).toBe(true);
  });

  it("an aborted take is removed from the queue", async () => {
    const ch = chan<number>();
    const ac = new AbortController();
    const p = ch.take({ signal: ac.signal });
    ac.abort("why");
    await expect(p).rejects.toBe("why");
    expect(ch.pendingTakes).toBe(0);
    expect(ch.offer(1)).toBe(false);
  });

  it("an already aborted signal rejects without performing the operation", async () => {
    const ch = chan<number>(1);
    const signal = AbortSignal.abort("early");
    await expect(ch.put(1, { signal })).rejects.toBe("early");
    expect(ch.size).toBe(0);
    ch.offer(2);
    await expect(ch.take({ signal })).rejects.toBe("early");
    expect(ch.size).toBe(1);
  });

  it("a completed operation ignores a later abort and drops its listener", async () => {
    const ch = chan<number>();
    const ac = new AbortController();
    const t = ch.take({ signal: ac.signal });
    const p = ch.put(1, { signal: ac.signal });
    expect(await t).toBe(1);
    expect(await p).toBe(true);
    const p2 = ch.put(2, { signal: ac.signal });
    expect(await ch.take({ signal: ac.signal })).toBe(2);
    expect(await p2).toBe(true);
    ac.abort();
    expect([ch.pendingPuts, ch.pendingTakes]).toEqual([0, 0]);
  });
});

describe("for await", () => {
  it("iterates until closed and drained, including parked puts", async () => {
    const ch = chan<number>(2);
    ch.offer(1);
    ch.offer(2);
    const parked = ch.put(3);
    ch.close();
    const seen: number[] = [];
    for await (const v of ch) seen.push(v);
    expect(seen).toEqual([1, 2, 3]);
    expect(await parked).toBe(true);
  });

  it("waits for values and ends when closed while waiting", async () => {
    const ch = chan<number>();
    const seen: number[] = [];
    const done = (async () => {
      for await (const v of ch) seen.push(v);
    })();
    for (let i = 0; i < 3; i++) await ch.put(i);
    ch.close();
    await done;
    expect(seen).toEqual([0, 1, 2]);
  });

  it("break leaves the channel open", async () => {
    const ch = chan<number>(3);
    ch.offer(1);
    ch.offer(2);
    for await (const v of ch) {
      expect(v).toBe(1);
      break;
    }
    expect(ch.closed).toBe(false);
    expect(ch.poll()).toBe(2);
    const it = ch[Symbol.asyncIterator]();
    expect(it[Symbol.asyncIterator]()).toBe(it);
  });
});

describe("putWith", () => {
  it("maps async, block and drop onto putAsync, put and offer", async () => {
    const ch = chan<number>(1);
    expect(await putWith(ch, 1, "drop")).toBe(true);
    expect(await putWith(ch, 2, "drop")).toBe(false);
    expect(await putWith(ch, 3, "async")).toBe(true);
    expect(ch.pendingPuts).toBe(1);
    const blocked = track(putWith(ch, 4, "block"));
    await flush();
    expect(blocked.settled).toBe(false);
    expect([ch.poll(), ch.poll(), ch.poll()]).toEqual([1, 3, 4]);
    await flush();
    expect(blocked.value).toBe(true);
    ch.close();
    expect(await putWith(ch, 5, "async")).toBe(false);
    expect(() => putWith(ch, 6, "nope" as never)).toThrowError(
      expect.objectContaining({ code: "ERR_INVALID_ARGUMENT" }),
    );
  });
});
