import { afterEach, describe, expect, it, vi } from "vitest";
import { JobTracker, jobIdOf, type StoredImage } from "../src/jobs.js";

const stored = (jobId: string): StoredImage => ({
  jobId,
  url: "http://x/a.png",
  file: "/tmp/a.jpg",
  width: 160,
  height: 80,
  bytes: 100,
  source: { width: 320, height: 160, format: "png", bytes: 1000 },
  storedAt: 0,
});

afterEach(() => {
  vi.useRealTimers();
});

describe("jobs", () => {
  it("finds the job id in a message, an envelope and an error event", () => {
    expect(jobIdOf({ jobId: "a" })).toBe("a");
    expect(jobIdOf({ id: "m1", body: { jobId: "b" } })).toBe("b");
    expect(jobIdOf({ type: "workers.error", msg: { body: { jobId: "c" } } })).toBe("c");
    expect(jobIdOf({ id: "x" })).toBeUndefined();
    expect(jobIdOf(42)).toBeUndefined();
  });

  it("wait resolves once stored, and later waits resolve at once", async () => {
    const jobs = new JobTracker();
    const id = jobs.create("http://x/a.png");
    const waiting = jobs.wait(id, 1000);
    jobs.stored(stored(id));
    await expect(waiting).resolves.toMatchObject({ jobId: id });
    await expect(jobs.wait(id, 1000)).resolves.toMatchObject({ jobId: id });
    expect(jobs.get(id)?.state).toBe("stored");
    expect(jobs.counts).toMatchObject({ submitted: 1, stored: 1 });
  });

  it("the first outcome wins: a drop after a failure changes nothing", async () => {
    const jobs = new JobTracker();
    const id = jobs.create("http://x/a.png");
    const waiting = jobs.wait(id, 1000);
    jobs.failed(id, "image-resize", "boom");
    jobs.dropped(id, "images/out", "output-drop");
    await expect(waiting).rejects.toMatchObject({ code: "ERR_JOB_FAILED" });
    expect(jobs.get(id)).toMatchObject({ state: "failed", error: { workerId: "image-resize" } });
    expect(jobs.counts).toMatchObject({ failed: 1, dropped: 0 });
  });

  it("a dropped job rejects its waiters", async () => {
    const jobs = new JobTracker();
    const id = jobs.create("http://x/a.png");
    const waiting = jobs.wait(id, 1000);
    jobs.dropped(id, "images/in", "buffer-dropped");
    await expect(waiting).rejects.toMatchObject({ code: "ERR_JOB_DROPPED" });
  });

  it("wait times out", async () => {
    vi.useFakeTimers();
    const jobs = new JobTracker();
    const id = jobs.create("http://x/a.png");
    const waiting = jobs.wait(id, 500);
    vi.advanceTimersByTime(500);
    await expect(waiting).rejects.toMatchObject({ code: "ERR_JOB_TIMEOUT" });
    await expect(jobs.wait("nope", 10)).rejects.toMatchObject({ code: "ERR_JOB_UNKNOWN" });
  });

  it("keeps the most recent jobs only", () => {
    const jobs = new JobTracker(2);
    const a = jobs.create("http://x/1");
    jobs.create("http://x/2");
    jobs.create("http://x/3");
    expect(jobs.get(a)).toBeUndefined();
    expect(jobs.counts.submitted).toBe(3);
  });
});
