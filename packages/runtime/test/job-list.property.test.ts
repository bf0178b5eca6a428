// The list of a worker's jobs in flight against a model (an insertion-ordered Set).
import fc from "fast-check";
import { expect, it } from "vitest";
import { Job, JobList } from "../src/workers/outcomes.js";

it("JobList adds, deletes and iterates like an insertion-ordered Set (property)", () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 9 })), { maxLength: 60 }),
      (ops) => {
        const jobs = Array.from({ length: 10 }, (_, i) => new Job(undefined, i, undefined));
        const list = new JobList();
        const model = new Set<Job>();
        for (const [add, i] of ops) {
          const job = jobs[i]!;
          if (add && !model.has(job)) {
            list.add(job);
            model.add(job);
          } else if (!add) {
            list.delete(job); // deleting a job not in the list changes nothing
            model.delete(job);
          }
          expect([...list]).toEqual([...model]);
          expect(list.size).toBe(model.size);
        }
      },
    ),
  );
});
