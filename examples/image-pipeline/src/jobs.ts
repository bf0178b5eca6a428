// What happened to each submitted image, fed by the pipeline's ends: the `images/out` consumer
// (stored), the `workers/errors` consumer (failed) and the runtime's drop events (dropped).
import { randomUUID } from "node:crypto";

/** What `image-store` produces (and `images/out` carries) for one image. */
export interface StoredImage {
  readonly jobId: string;
  readonly url: string;
  /** Absolute path of the thumbnail. */
  readonly file: string;
  readonly width: number;
  readonly height: number;
  readonly bytes: number;
  readonly source: {
    readonly width: number;
    readonly height: number;
    readonly format: string;
    readonly bytes: number;
  };
  readonly storedAt: number;
}

/** A job's state as `GET /images/:jobId` shows it. */
export type JobState =
  | { readonly jobId: string; readonly url: string; readonly state: "queued" }
  | {
      readonly jobId: string;
      readonly url: string;
      readonly state: "stored";
      readonly result: StoredImage;
    }
  | {
      readonly jobId: string;
      readonly url: string;
      readonly state: "failed";
      readonly error: { readonly workerId: string; readonly message: string };
    }
  | {
      readonly jobId: string;
      readonly url: string;
      readonly state: "dropped";
      readonly drop: { readonly channel: string; readonly reason: string };
    };

/** Why {@link JobTracker.wait} rejected. */
export class JobError extends Error {
  override readonly name = "JobError";
  constructor(
    readonly code: "ERR_JOB_FAILED" | "ERR_JOB_DROPPED" | "ERR_JOB_TIMEOUT" | "ERR_JOB_UNKNOWN",
    message: string,
    readonly state?: JobState,
  ) {
    super(message);
  }
}

interface Waiter {
  resolve(result: StoredImage): void;
  reject(error: JobError): void;
}

/** Finds the job id in a message, an envelope (`body`), or an error event (`msg`). */
export function jobIdOf(value: unknown, depth = 0): string | undefined {
  if (typeof value !== "object" || value === null || depth > 3) return undefined;
  const v = value as { jobId?: unknown; body?: unknown; msg?: unknown };
  if (typeof v.jobId === "string") return v.jobId;
  return jobIdOf(v.body, depth + 1) ?? jobIdOf(v.msg, depth + 1);
}

/** Tracks jobs by id; keeps the most recent `limit` of them. */
export class JobTracker {
  readonly #jobs = new Map<string, JobState>();
  readonly #waiters = new Map<string, Waiter[]>();
  readonly #limit: number;
  /** Counts since start. */
  readonly counts: { submitted: number; stored: number; failed: number; dropped: number } = {
    submitted: 0,
    stored: 0,
    failed: 0,
    dropped: 0,
  };

  constructor(limit = 10_000) {
    this.#limit = limit;
  }

  /** Registers a new job and returns its id. */
  create(url: string): string {
    const jobId = randomUUID();
    this.#jobs.set(jobId, { jobId, url, state: "queued" });
    this.counts.submitted++;
    if (this.#jobs.size > this.#limit) {
      for (const id of this.#jobs.keys()) {
        if (this.#jobs.size <= this.#limit) break;
        if (!this.#waiters.has(id)) this.#jobs.delete(id);
      }
    }
    return jobId;
  }

  get(jobId: string): JobState | undefined {
    return this.#jobs.get(jobId);
  }

  stored(result: StoredImage): void {
    const job = this.#queued(result.jobId);
    if (job === undefined) return;
    this.counts.stored++;
    this.#settle({ jobId: job.jobId, url: job.url, state: "stored", result });
  }

  failed(jobId: string, workerId: string, message: string): void {
    const job = this.#queued(jobId);
    if (job === undefined) return;
    this.counts.failed++;
    this.#settle({ jobId, url: job.url, state: "failed", error: { workerId, message } });
  }

  dropped(jobId: string, channel: string, reason: string): void {
    const job = this.#queued(jobId);
    if (job === undefined) return;
    this.counts.dropped++;
    this.#settle({ jobId, url: job.url, state: "dropped", drop: { channel, reason } });
  }

  /** Resolves with the stored image, or rejects with a {@link JobError}. */
  wait(jobId: string, timeoutMs: number): Promise<StoredImage> {
    const job = this.#jobs.get(jobId);
    if (job === undefined) {
      return Promise.reject(new JobError("ERR_JOB_UNKNOWN", `no job ${jobId}`));
    }
    if (job.state !== "queued") return settled(job);
    return new Promise<StoredImage>((resolve, reject) => {
      const timer = setTimeout(() => {
        const list = this.#waiters.get(jobId) ?? [];
        const i = list.indexOf(waiter);
        if (i >= 0) list.splice(i, 1);
        if (list.length === 0) this.#waiters.delete(jobId);
        reject(new JobError("ERR_JOB_TIMEOUT", `job ${jobId} not done after ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: Waiter = {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      const list = this.#waiters.get(jobId);
      if (list) list.push(waiter);
      else this.#waiters.set(jobId, [waiter]);
    });
  }

  #queued(jobId: string): JobState | undefined {
    const job = this.#jobs.get(jobId);
    return job?.state === "queued" ? job : undefined;
  }

  #settle(state: JobState): void {
    this.#jobs.set(state.jobId, state);
    const list = this.#waiters.get(state.jobId);
    if (list === undefined) return;
    this.#waiters.delete(state.jobId);
    for (const w of list) {
      if (state.state === "stored") w.resolve(state.result);
      else settled(state).catch(w.reject);
    }
  }
}

function settled(job: JobState): Promise<StoredImage> {
  switch (job.state) {
    case "stored":
      return Promise.resolve(job.result);
    case "failed":
      return Promise.reject(
        new JobError("ERR_JOB_FAILED", `${job.error.workerId}: ${job.error.message}`, job),
      );
    case "dropped":
      return Promise.reject(
        new JobError("ERR_JOB_DROPPED", `dropped at ${job.drop.channel} (${job.drop.reason})`, job),
      );
    default:
      return Promise.reject(new JobError("ERR_JOB_UNKNOWN", `job ${job.jobId} still queued`));
  }
}
