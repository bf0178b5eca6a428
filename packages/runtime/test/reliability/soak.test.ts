// The soak's short form (the long one is `pnpm soak`): 200 000 messages through the 3-stage
// pipeline (fixed, dropping and sliding buffers, all at saturation, stage 2 failing one message
// in a thousand, a consumer that falls behind): every message ends exactly once, every kind of
// loss is reported, stats agree, and the heap after GC is back where it started.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { expect, test } from "vitest";
import { runSoak } from "../../soak/pipeline.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

test("200 000 messages through a saturated 3-stage pipeline: none lost, none twice, heap back after GC", async () => {
  await runSoak({ messages: 5_000, gc });
  const result = await runSoak({ messages: 200_000, gc });
  expect(result.lost).toBe(0);
  expect(result.duplicated).toBe(0);
  expect(result.statsAgree).toBe(true);
  // Stage 2 fails ids ending in 999 among those that reached it (the others were dropped before).
  expect(result.failed).toBeGreaterThan(0);
  // Saturation: each buffer type lost messages, and said so.
  expect(result.dropped["buffer-dropped"]).toBeGreaterThan(0);
  expect(result.dropped["buffer-evicted"]).toBeGreaterThan(0);
  expect(result.dropped["output-drop"]).toBeGreaterThan(0);
  expect(result.delivered).toBeGreaterThan(0);
  const ends =
    result.delivered + result.failed + Object.values(result.dropped).reduce((a, b) => a + b, 0);
  expect(ends).toBe(200_000);
  expect(result.heapAfterMb! - result.heapBeforeMb!).toBeLessThan(8);
});

test("stopped without drain halfway while producers keep pushing: buffered, parked and running messages are shutdown drops, none lost", async () => {
  const result = await runSoak({ messages: 100_000, gc, stopAfter: 50_000 });
  expect(result.lost).toBe(0);
  expect(result.duplicated).toBe(0);
  expect(result.statsAgree).toBe(true);
  expect(result.dropped.shutdown).toBeGreaterThan(0);
  expect(result.refused).toBeGreaterThan(0);
  const ends =
    result.delivered +
    result.failed +
    Object.values(result.dropped).reduce((a, b) => a + b, 0) +
    result.refused +
    result.notSent;
  expect(ends).toBe(100_000);
});
