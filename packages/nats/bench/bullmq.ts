// The BullMQ rows: what users pick today for a job queue, on a local redis-server.

import { Queue, Worker } from "bullmq";
import { runConsumers } from "./consumers.js";
import type { RedisServer } from "./redis-server.js";

export const BATCH = 256;

export class BullBench {
  private queues: Queue[] = [];
  private run = 0;

  constructor(
    private readonly redis: RedisServer,
    private readonly n: number,
  ) {}

  private get connection() {
    return { host: "127.0.0.1", port: this.redis.port, maxRetriesPerRequest: null };
  }

  async queue(): Promise<Queue> {
    const q = new Queue(`bench-${++this.run}`, { connection: this.connection });
    await q.waitUntilReady();
    this.queues.push(q);
    return q;
  }

  /** `await queue.add` one at a time; returns ms. */
  async addAwaited(q: Queue): Promise<number> {
    const began = performance.now();
    for (let i = 0; i < this.n; i++) await q.add("job", { i });
    return performance.now() - began;
  }

  /** `await queue.addBulk` of BATCH jobs at a time; returns ms. */
  async addBulk(q: Queue): Promise<number> {
    const began = performance.now();
    for (let i = 0; i < this.n; i += BATCH) {
      const size = Math.min(BATCH, this.n - i);
      await q.addBulk(
        Array.from({ length: size }, (_, k) => ({ name: "job", data: { i: i + k } })),
      );
    }
    return performance.now() - began;
  }

  /** A `Worker` in this process over `q`'s waiting jobs, until it completed n; returns ms. */
  async work(q: Queue, concurrency: number): Promise<number> {
    const worker = new Worker(q.name, async () => {}, {
      connection: this.connection,
      concurrency,
      autorun: false,
    });
    await worker.waitUntilReady();
    let completed = 0;
    let done!: () => void;
    const all = new Promise<void>((resolve) => {
      done = resolve;
    });
    worker.on("completed", () => {
      if (++completed === this.n) done();
    });
    const began = performance.now();
    const running = worker.run();
    await all;
    const ms = performance.now() - began;
    await worker.close();
    await running;
    return ms;
  }

  /** `processes` worker processes over `q`'s waiting jobs; returns ms. */
  workIn(processes: number, q: Queue, concurrency: number): Promise<number> {
    return runConsumers(
      processes,
      ["bullmq", String(this.redis.port), q.name, String(concurrency)],
      this.n,
    );
  }

  /** A queue's full round once on `n` jobs, so that the first BullMQ row is not paying for JIT. */
  async warmUp(n: number): Promise<void> {
    const q = await this.queue();
    await q.addBulk(Array.from({ length: n }, (_, i) => ({ name: "job", data: { i } })));
    await q.add("job", { i: n });
    const worker = new Worker(q.name, async () => {}, {
      connection: this.connection,
      concurrency: 50,
    });
    let completed = 0;
    await new Promise<void>((resolve) => {
      worker.on("completed", () => {
        if (++completed === n + 1) resolve();
      });
    });
    await worker.close();
    await q.obliterate({ force: true });
  }

  async close(): Promise<void> {
    await Promise.all(this.queues.map((q) => q.close()));
  }
}
