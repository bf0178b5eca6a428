import { describe, expect, it } from "vitest";
import { chan, dropping, fixed, InvalidBufferError, sliding } from "../src/index.js";

describe("buffer constructors", () => {
  it("describe a buffer as chan takes it", () => {
    expect(fixed(3)).toEqual({ buffer: 3, bufferType: "fixed" });
    expect(dropping(2)).toEqual({ buffer: 2, bufferType: "dropping" });
    expect(sliding(1)).toEqual({ buffer: 1, bufferType: "sliding" });
    expect(fixed(0)).toEqual({ buffer: 0, bufferType: "fixed" });
  });

  it("fixed(n) makes puts wait when full", () => {
    const ch = chan<number>(fixed(1));
    expect([ch.capacity, ch.bufferType]).toEqual([1, "fixed"]);
    expect(ch.offer(1)).toBe(true);
    expect(ch.offer(2)).toBe(false);
  });

  it("dropping(n) keeps the oldest and reports the newest", () => {
    const lost: unknown[] = [];
    const ch = chan<number>({ ...dropping(1), onDrop: (v, reason) => lost.push([v, reason]) });
    expect(ch.offer(1)).toBe(true);
    expect(ch.offer(2)).toBe(true);
    expect([ch.poll(), ch.drops, lost]).toEqual([1, 1, [[2, "buffer-dropped"]]]);
  });

  it("sliding(n) keeps the newest and reports the evicted oldest", () => {
    const lost: unknown[] = [];
    const ch = chan<number>({ ...sliding(1), onDrop: (v, reason) => lost.push([v, reason]) });
    ch.offer(1);
    ch.offer(2);
    expect([ch.poll(), ch.drops, lost]).toEqual([2, 1, [[1, "buffer-evicted"]]]);
  });

  it.each([
    ["fixed(-1)", () => fixed(-1)],
    ["fixed(1.5)", () => fixed(1.5)],
    ["dropping(0)", () => dropping(0)],
    ["sliding(0)", () => sliding(0)],
    ["sliding(NaN)", () => sliding(Number.NaN)],
  ])("%s throws ERR_INVALID_BUFFER at once", (_name, make) => {
    let error: unknown;
    try {
      make();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidBufferError);
    expect((error as InvalidBufferError).code).toBe("ERR_INVALID_BUFFER");
  });
});
