// The rate limiter alone: never more than `max` starts in any window of `intervalMs`, and no
// start is held back longer than needed (a run waits only while `max` starts are in the window).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RateLimit } from "../src/workers/rate-limit.js";

describe("RateLimit", () => {
  it("starts at most max runs in any window, each as early as the window allows (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 1, maxLength: 60 }),
        (max, intervalMs, gaps) => {
          const limit = new RateLimit(max, intervalMs);
          const started: number[] = [];
          let arrival = 0;
          let free = 0; // a single queue: a run cannot start before the previous one
          for (const gap of gaps) {
            arrival += gap;
            const ready = Math.max(arrival, free);
            const at = ready + limit.waitMs(ready);
            expect(limit.waitMs(at)).toBe(0);
            limit.take(at);
            started.push(at);
            free = at;
          }
          for (let i = 0; i < started.length; i++) {
            // Never more than max in [t, t + intervalMs).
            const inWindow = started.filter(
              (t) => t >= started[i]! && t < started[i]! + intervalMs,
            );
            expect(inWindow.length).toBeLessThanOrEqual(max);
            // A run that waited did so because max starts were within the window before it.
            if (i >= max) {
              const ready = Math.max(started[i - 1]!, sumUpTo(gaps, i));
              if (started[i]! > ready) expect(started[i]! - started[i - max]!).toBe(intervalMs);
            }
          }
        },
      ),
    );
  });
});

function sumUpTo(gaps: number[], i: number): number {
  let s = 0;
  for (let k = 0; k <= i; k++) s += gaps[k]!;
  return s;
}
