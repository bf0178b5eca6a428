import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { backoffDelay, type ExponentialBackoff, WorkersConfigError } from "../src/index.js";
import { MAX_DELAY_MS } from "../src/schema.js";

const delay = fc.integer({ min: 0, max: MAX_DELAY_MS });
const retryNumber = fc.integer({ min: 1, max: 200 });
/** What `Math.random` returns: [0, 1). */
const unit = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
const exponential: fc.Arbitrary<ExponentialBackoff> = fc.record({
  initialMs: fc.oneof(delay, fc.double({ min: 0, max: 1000, noNaN: true })),
  factor: fc.oneof(fc.constant(1), fc.constant(2), fc.double({ min: 1, max: 1e6, noNaN: true })),
  maxMs: delay,
  jitter: fc.oneof(fc.constant(0), fc.constant(1), fc.double({ min: 0, max: 1, noNaN: true })),
});
const never = (): number => {
  throw new Error("random must not be called");
};

describe("backoffDelay with a list", () => {
  it("gives the n-th delay, then repeats the last one", () => {
    fc.assert(
      fc.property(fc.array(delay, { minLength: 1, maxLength: 8 }), retryNumber, (list, n) => {
        const expected = n <= list.length ? list[n - 1] : list.at(-1);
        expect(backoffDelay(list, n, never)).toBe(expected);
      }),
    );
  });

  it("never jitters a list", () => {
    expect(backoffDelay([100, 500], 1, () => 0.99)).toBe(100);
    expect(backoffDelay([100, 500], 7, () => 0.99)).toBe(500);
  });

  it("takes a list of one (a number as written) as the same delay every time", () => {
    fc.assert(
      fc.property(delay, retryNumber, (ms, n) => {
        expect(backoffDelay([ms], n)).toBe(ms);
      }),
    );
  });
});

describe("backoffDelay with an exponential schedule", () => {
  it("without jitter: initialMs * factor^(n - 1), capped at maxMs", () => {
    fc.assert(
      fc.property(exponential, retryNumber, (schedule, n) => {
        const s = { ...schedule, jitter: 0 };
        const d = backoffDelay(s, n, never);
        expect(Number.isFinite(d)).toBe(true);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(s.maxMs);
        // A zero initial delay stays zero even where factor^(n - 1) overflows (0 * Infinity).
        const uncapped = s.initialMs === 0 ? 0 : s.initialMs * s.factor ** (n - 1);
        if (uncapped <= s.maxMs) expect(d).toBeCloseTo(uncapped, 6);
        else expect(d).toBe(s.maxMs);
      }),
    );
  });

  it("without jitter: never shrinks from one retry to the next, and reaches maxMs when it grows", () => {
    fc.assert(
      fc.property(exponential, retryNumber, (schedule, n) => {
        const s = { ...schedule, jitter: 0 };
        expect(backoffDelay(s, n + 1)).toBeGreaterThanOrEqual(backoffDelay(s, n));
      }),
    );
    // 100, 200, 400, 800, then capped at 1000.
    const s = { initialMs: 100, factor: 2, maxMs: 1000, jitter: 0 };
    expect([1, 2, 3, 4, 5, 6, 1000].map((n) => backoffDelay(s, n))).toEqual([
      100, 200, 400, 800, 1000, 1000, 1000,
    ]);
  });

  it("with jitter: a delay times a factor in [1 - jitter, 1]", () => {
    fc.assert(
      fc.property(exponential, retryNumber, unit, (s, n, r) => {
        const base = backoffDelay({ ...s, jitter: 0 }, n);
        const d = backoffDelay(s, n, () => r);
        expect(d).toBeLessThanOrEqual(base);
        expect(d).toBeGreaterThanOrEqual(base * (1 - s.jitter) - 1e-9);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(s.maxMs);
      }),
    );
  });

  it("with jitter: random 0 keeps the delay, random near 1 takes off the jitter fraction", () => {
    const s = { initialMs: 1000, factor: 2, maxMs: MAX_DELAY_MS, jitter: 0.25 };
    expect(backoffDelay(s, 2, () => 0)).toBe(2000);
    expect(backoffDelay(s, 2, () => 1 - Number.EPSILON)).toBeCloseTo(1500, 6);
  });

  it("stays finite and within maxMs where factor^n overflows, also from 0", () => {
    const huge = { initialMs: 5, factor: 1e6, maxMs: MAX_DELAY_MS, jitter: 0 };
    expect(backoffDelay(huge, 1000)).toBe(MAX_DELAY_MS);
    expect(backoffDelay({ ...huge, initialMs: 0 }, 1000)).toBe(0);
  });

  it("caps initialMs too when maxMs is below it", () => {
    expect(backoffDelay({ initialMs: 500, factor: 2, maxMs: 100, jitter: 0 }, 1)).toBe(100);
  });

  it("uses Math.random by default", () => {
    const s = { initialMs: 1000, factor: 1, maxMs: 1000, jitter: 1 };
    for (let i = 0; i < 20; i++) {
      const d = backoffDelay(s, 1);
      expect(d).toBeGreaterThan(0);
      expect(d).toBeLessThanOrEqual(1000);
    }
  });
});

describe("backoffDelay misuse", () => {
  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])(
    "throws ERR_INVALID_ARGUMENT for retryNumber %s",
    (n) => {
      expect(() => backoffDelay([1], n)).toThrow(WorkersConfigError);
      expect(() => backoffDelay([1], n)).toThrow(
        expect.objectContaining({ code: "ERR_INVALID_ARGUMENT" }),
      );
    },
  );

  it("throws ERR_INVALID_ARGUMENT for an empty list", () => {
    expect(() => backoffDelay([], 1)).toThrow(
      expect.objectContaining({ code: "ERR_INVALID_ARGUMENT" }),
    );
  });
});
