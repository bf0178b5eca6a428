// One function per (implementation, workload), written out by hand so every implementation's
// hot loop has its own call sites (a shared generic loop would be megamorphic and slow them all).
import { Channel as JsextChannel } from "@ayonli/jsext/chan";
import { Effect, Fiber, Queue } from "effect";
// @ts-expect-error js-csp ships no types
import csp from "js-csp";
import { Chan as TsChan } from "ts-chan";
import { chan } from "../src/index.js";
import { RingChannel } from "./baseline.js";

/** Runs `n` messages through a workload; resolves when every message was consumed. */
export type Run = (n: number) => Promise<void>;

export interface Impl {
  name: string;
  /** Column header. */
  short: string;
  /** A baseline (not a peer): excluded from "fastest peer". */
  baseline?: boolean;
  /** Workloads where this peer is known to deliver wrong results (excluded from "fastest"). */
  incorrect?: string[];
  runs: Partial<Record<WorkloadId, Run>>;
  /** Messages taken by each consumer in the last W3s run. */
  spread?: () => number[];
}

export type WorkloadId = "W1" | "W2" | "W3" | "W4d" | "W4s" | "W5" | "W2s" | "W3s";

const P = 4; // producers (W3)
const C = 4; // consumers (W3)
const STOP = -1;

// ---------------------------------------------------------------- @workers/channels
let oursSpread: number[] = [];
export const ours: Impl = {
  name: "@workers/channels",
  short: "ours",
  spread: () => oursSpread,
  runs: {
    async W1(n) {
      const ch = chan<number>();
      const producer = async () => {
        for (let i = 0; i < n; i++) await ch.put(i);
      };
      const consumer = async () => {
        for (let i = 0; i < n; i++) await ch.take();
      };
      await Promise.all([producer(), consumer()]);
    },
    async W2(n) {
      const ch = chan<number>(1024);
      const producer = async () => {
        for (let i = 0; i < n; i++) await ch.put(i);
      };
      const consumer = async () => {
        for (let i = 0; i < n; i++) await ch.take();
      };
      await Promise.all([producer(), consumer()]);
    },
    async W3(n) {
      const ch = chan<number>(64);
      const producer = async () => {
        for (let i = 0; i < n / P; i++) await ch.put(i);
      };
      const consumer = async () => {
        while ((await ch.take()) !== STOP);
      };
      const consumers = Array.from({ length: C }, consumer);
      await Promise.all(Array.from({ length: P }, producer));
      for (let i = 0; i < C; i++) await ch.put(STOP);
      await Promise.all(consumers);
    },
    async W4d(n) {
      let drops = 0;
      const ch = chan<number>({ buffer: 1024, bufferType: "dropping", onDrop: () => drops++ });
      await offerLoop(ch, n);
      if (drops + ch.size === 0) throw new Error("no drops");
    },
    async W4s(n) {
      let drops = 0;
      const ch = chan<number>({ buffer: 1024, bufferType: "sliding", onDrop: () => drops++ });
      await offerLoop(ch, n);
      if (drops + ch.size === 0) throw new Error("no drops");
    },
    async W5(n) {
      const ch = chan<number>(1024);
      const producer = async () => {
        for (let i = 0; i < n; i++) await ch.put(i);
        ch.close();
      };
      const consumer = async () => {
        let count = 0;
        for await (const _ of ch) count++;
        if (count !== n) throw new Error(`W5: ${count} of ${n}`);
      };
      await Promise.all([producer(), consumer()]);
    },
    async W2s(n) {
      const ch = chan<number>(1024);
      const producer = async () => {
        for (let i = 0; i < n; i++) if (!ch.offer(i)) await ch.put(i);
      };
      const consumer = async () => {
        for (let i = 0; i < n; i++) {
          let v = ch.poll();
          if (v === undefined) v = await ch.take();
        }
      };
      await Promise.all([producer(), consumer()]);
    },
    async W3s(n) {
      const ch = chan<number>(64);
      const counts = new Array<number>(C).fill(0);
      const producer = async () => {
        for (let i = 0; i < n / P; i++) if (!ch.offer(i)) await ch.put(i);
      };
      const consumer = async (k: number) => {
        let count = 0;
        for (;;) {
          let v = ch.poll();
          if (v === undefined) v = await ch.take();
          if (v === STOP) break;
          count++;
        }
        counts[k] = count;
      };
      const consumers = Array.from({ length: C }, (_, k) => consumer(k));
      await Promise.all(Array.from({ length: P }, producer));
      for (let i = 0; i < C; i++) await ch.put(STOP);
      await Promise.all(consumers);
      oursSpread = counts;
    },
  },
};

async function offerLoop(ch: ReturnType<typeof chan<number>>, n: number): Promise<void> {
  let done = false;
  const consumer = async () => {
    while (!done) await ch.take();
  };
  const c = consumer();
  for (let i = 0; i < n; i++) {
    ch.offer(i);
    if ((i & 1023) === 1023) await null;
  }
  done = true;
  ch.close();
  await c;
}

// ---------------------------------------------------------------- ring-buffer baseline
let baselineSpread: number[] = [];
export const baseline: Impl = {
  name: "ring baseline",
  short: "ring",
  baseline: true,
  spread: () => baselineSpread,
  runs: {
    async W1(n) {
      const ch = new RingChannel<number>(0);
      const producer = async () => {
        for (let i = 0; i < n; i++) await ch.put(i);
      };
      const consumer = async () => {
        for (let i = 0; i < n; i++) await ch.take();
      };
      await Promise.all([producer(), consumer()]);
    },
    async W2(n) {
      const ch = new RingChannel<number>(1024);
      const producer = async () => {
        for (let i = 0; i < n; i++) await ch.put(i);
      };
      const consumer = async () => {
        for (let i = 0; i < n; i++) await ch.take();
      };
      await Promise.all([producer(), consumer()]);
    },
    async W3(n) {
      const ch = new RingChannel<number>(64);
      const producer = async () => {
        for (let i = 0; i < n / P; i++) await ch.put(i);
      };
      const consumer = async () => {
        while ((await ch.take()) !== STOP);
      };
      const consumers = Array.from({ length: C }, consumer);
      await Promise.all(Array.from({ length: P }, producer));
      for (let i = 0; i < C; i++) await ch.put(STOP);
      await Promise.all(consumers);
    },
    // Raw ring offers (dropping: refused when full; sliding: overwrite the oldest), with
    // nothing counted or reported.
    async W4s(n) {
      const ch = new RingChannel<number>(1024);
      let done = false;
      const consumer = async () => {
        while (!done) await ch.take();
      };
      const c = consumer();
      for (let i = 0; i < n; i++) {
        ch.offerSliding(i);
        if ((i & 1023) === 1023) await null;
      }
      done = true;
      ch.close();
      await c;
    },
    async W4d(n) {
      const ch = new RingChannel<number>(1024);
      let done = false;
      const consumer = async () => {
        while (!done) await ch.take();
      };
      const c = consumer();
      for (let i = 0; i < n; i++) {
        ch.offer(i);
        if ((i & 1023) === 1023) await null;
      }
      done = true;
      ch.close();
      await c;
    },
    async W5(n) {
      const ch = new RingChannel<number>(1024);
      const producer = async () => {
        for (let i = 0; i < n; i++) await ch.put(i);
        ch.close();
      };
      const consumer = async () => {
        let count = 0;
        for await (const _ of { [Symbol.asyncIterator]: () => ch[Symbol.asyncIterator]() }) count++;
        if (count !== n) throw new Error(`W5: ${count} of ${n}`);
      };
      await Promise.all([producer(), consumer()]);
    },
    async W2s(n) {
      const ch = new RingChannel<number>(1024);
      const producer = async () => {
        for (let i = 0; i < n; i++) if (!ch.offer(i)) await ch.put(i);
      };
      const consumer = async () => {
        for (let i = 0; i < n; i++) {
          let v = ch.poll();
          if (v === undefined) v = await ch.take();
        }
      };
      await Promise.all([producer(), consumer()]);
    },
    async W3s(n) {
      const ch = new RingChannel<number>(64);
      const counts = new Array<number>(C).fill(0);
      const producer = async () => {
        for (let i = 0; i < n / P; i++) if (!ch.offer(i)) await ch.put(i);
      };
      const consumer = async (k: number) => {
        let count = 0;
        for (;;) {
          let v = ch.poll();
          if (v === undefined) v = await ch.take();
          if (v === STOP) break;
          count++;
        }
        counts[k] = count;
      };
      const consumers = Array.from({ length: C }, (_, k) => consumer(k));
      await Promise.all(Array.from({ length: P }, producer));
      for (let i = 0; i < C; i++) await ch.put(STOP);
      await Promise.all(consumers);
      baselineSpread = counts;
    },
  },
};

// ---------------------------------------------------------------- raw await loop
async function awaitLoop(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await i;
}
export const raw: Impl = {
  name: "raw await loop",
  short: "await",
  baseline: true,
  runs: {
    W1: (n) => Promise.all([awaitLoop(n), awaitLoop(n)]).then(() => undefined),
    W3: (n) =>
      Promise.all(Array.from({ length: P + C }, () => awaitLoop(n / P))).then(() => undefined),
  },
};
raw.runs.W2 = raw.runs.W1!;
raw.runs.W5 = raw.runs.W1!;
raw.runs.W2s = raw.runs.W1!;
raw.runs.W3s = raw.runs.W3!;

// ---------------------------------------------------------------- @ayonli/jsext
export const jsext: Impl = {
  name: "@ayonli/jsext",
  short: "jsext",
  // Its async iterator yields spurious `undefined`s (it reads `done` before the value arrives).
  incorrect: ["W5"],
  runs: {
    async W1(n) {
      const ch = new JsextChannel<number>(0);
      const producer = async () => {
        for (let i = 0; i < n; i++) await ch.send(i);
      };
      const consumer = async () => {
        for (let i = 0; i < n; i++) await ch.recv();
      };
      await Promise.all([producer(), consumer()]);
    },
    async W2(n) {
      const ch = new JsextChannel<number>(1024);
      const producer = async () => {
        for (let i = 0; i < n; i++) await ch.send(i);
      };
      const consumer = async () => {
        for (let i = 0; i < n; i++) await ch.recv();
      };
      await Promise.all([producer(), consumer()]);
    },
    async W3(n) {
      const ch = new JsextChannel<number>(64);
      const producer = async () => {
        for (let i = 0; i < n / P; i++) await ch.send(i);
      };
      const consumer = async () => {
        while ((await ch.recv()) !== STOP);
      };
      const consumers = Array.from({ length: C }, consumer);
      await Promise.all(Array.from({ length: P }, producer));
      for (let i = 0; i < C; i++) await ch.send(STOP);
      await Promise.all(consumers);
    },
    async W5(n) {
      const ch = new JsextChannel<number>(1024);
      const producer = async () => {
        for (let i = 0; i < n; i++) await ch.send(i);
        ch.close();
      };
      const consumer = async () => {
        for await (const _ of ch);
      };
      await Promise.all([producer(), consumer()]);
    },
  },
};

// ---------------------------------------------------------------- ts-chan
function tsChan(unsafe: boolean): Impl {
  const make = (cap: number) => new TsChan<number>(cap).setUnsafe(unsafe);
  return {
    name: unsafe ? "ts-chan unsafe" : "ts-chan",
    short: unsafe ? "ts-chan!" : "ts-chan",
    runs: {
      async W1(n) {
        const ch = make(0);
        const producer = async () => {
          for (let i = 0; i < n; i++) await ch.send(i);
        };
        const consumer = async () => {
          for (let i = 0; i < n; i++) await ch.recv();
        };
        await Promise.all([producer(), consumer()]);
      },
      async W2(n) {
        const ch = make(1024);
        const producer = async () => {
          for (let i = 0; i < n; i++) await ch.send(i);
        };
        const consumer = async () => {
          for (let i = 0; i < n; i++) await ch.recv();
        };
        await Promise.all([producer(), consumer()]);
      },
      async W3(n) {
        const ch = make(64);
        const producer = async () => {
          for (let i = 0; i < n / P; i++) await ch.send(i);
        };
        const consumer = async () => {
          while ((await ch.recv()).value !== STOP);
        };
        const consumers = Array.from({ length: C }, consumer);
        await Promise.all(Array.from({ length: P }, producer));
        for (let i = 0; i < C; i++) await ch.send(STOP);
        await Promise.all(consumers);
      },
      async W5(n) {
        const ch = make(1024);
        const producer = async () => {
          for (let i = 0; i < n; i++) await ch.send(i);
          ch.close();
        };
        const consumer = async () => {
          let count = 0;
          for await (const _ of ch) count++;
          if (count !== n) throw new Error(`W5: ${count} of ${n}`);
        };
        await Promise.all([producer(), consumer()]);
      },
      async W2s(n) {
        const ch = make(1024);
        const producer = async () => {
          for (let i = 0; i < n; i++) if (!ch.trySend(i)) await ch.send(i);
        };
        const consumer = async () => {
          for (let i = 0; i < n; i++) if (ch.tryRecv() === undefined) await ch.recv();
        };
        await Promise.all([producer(), consumer()]);
      },
      async W3s(n) {
        const ch = make(64);
        const producer = async () => {
          for (let i = 0; i < n / P; i++) if (!ch.trySend(i)) await ch.send(i);
        };
        const consumer = async () => {
          for (;;) {
            const r = ch.tryRecv() ?? (await ch.recv());
            if (r.value === STOP) break;
          }
        };
        const consumers = Array.from({ length: C }, consumer);
        await Promise.all(Array.from({ length: P }, producer));
        for (let i = 0; i < C; i++) await ch.send(STOP);
        await Promise.all(consumers);
      },
    },
  };
}
export const tsChanSafe: Impl = tsChan(false);
export const tsChanUnsafe: Impl = tsChan(true);

// ---------------------------------------------------------------- js-csp (go blocks)
function cspDone(goChannel: unknown): Promise<void> {
  return new Promise((resolve) => csp.takeAsync(goChannel, () => resolve()));
}
function cspPingPong(n: number, ch: unknown): Promise<void> {
  const producer = csp.go(function* () {
    for (let i = 0; i < n; i++) yield csp.put(ch, i);
  });
  const consumer = csp.go(function* () {
    for (let i = 0; i < n; i++) yield csp.take(ch);
  });
  return Promise.all([cspDone(producer), cspDone(consumer)]).then(() => undefined);
}
function cspMany(n: number, ch: unknown, sync: boolean): Promise<void> {
  const producers = Array.from({ length: P }, () =>
    csp.go(function* () {
      for (let i = 0; i < n / P; i++) if (!sync || !csp.offer(ch, i)) yield csp.put(ch, i);
    }),
  );
  const consumers = Array.from({ length: C }, () =>
    csp.go(function* () {
      for (;;) {
        let v = sync ? csp.poll(ch) : csp.NO_VALUE;
        if (v === csp.NO_VALUE) v = (yield csp.take(ch)) as unknown;
        if (v === STOP) break;
      }
    }),
  );
  const stop = csp.go(function* () {
    for (const p of producers) yield csp.take(p);
    for (let i = 0; i < C; i++) yield csp.put(ch, STOP);
  });
  return Promise.all([cspDone(stop), ...consumers.map(cspDone)]).then(() => undefined);
}
function cspOffer(n: number, ch: unknown): Promise<void> {
  const consumer = csp.go(function* () {
    while (((yield csp.take(ch)) as unknown) !== csp.CLOSED);
  });
  return (async () => {
    for (let i = 0; i < n; i++) {
      csp.offer(ch, i);
      if ((i & 1023) === 1023) await null;
    }
    (ch as { close(): void }).close();
    await cspDone(consumer);
  })();
}
export const jsCsp: Impl = {
  name: "js-csp",
  short: "js-csp",
  runs: {
    W1: (n) => cspPingPong(n, csp.chan()),
    W2: (n) => cspPingPong(n, csp.chan(1024)),
    W3: (n) => cspMany(n, csp.chan(64), false),
    W4d: (n) => cspOffer(n, csp.chan(csp.buffers.dropping(1024))),
    W4s: (n) => cspOffer(n, csp.chan(csp.buffers.sliding(1024))),
    W2s(n) {
      const ch = csp.chan(1024);
      const producer = csp.go(function* () {
        for (let i = 0; i < n; i++) if (!csp.offer(ch, i)) yield csp.put(ch, i);
      });
      const consumer = csp.go(function* () {
        for (let i = 0; i < n; i++) if (csp.poll(ch) === csp.NO_VALUE) yield csp.take(ch);
      });
      return Promise.all([cspDone(producer), cspDone(consumer)]).then(() => undefined);
    },
    W3s: (n) => cspMany(n, csp.chan(64), true),
  },
};

// ---------------------------------------------------------------- effect Queue
function effectPingPong(n: number, make: Effect.Effect<Queue.Queue<number>>): Promise<void> {
  return Effect.runPromise(
    Effect.gen(function* () {
      const q = yield* make;
      const producer = yield* Effect.fork(
        Effect.gen(function* () {
          for (let i = 0; i < n; i++) yield* Queue.offer(q, i);
        }),
      );
      for (let i = 0; i < n; i++) yield* Queue.take(q);
      yield* Fiber.join(producer);
    }),
  );
}
function effectOffer(n: number, make: Effect.Effect<Queue.Queue<number>>): Promise<void> {
  return Effect.runPromise(
    Effect.gen(function* () {
      const q = yield* make;
      const consumer = yield* Effect.fork(
        Effect.gen(function* () {
          for (;;) yield* Queue.take(q);
        }),
      );
      for (let i = 0; i < n; i++) {
        yield* Queue.offer(q, i);
        if ((i & 1023) === 1023) yield* Effect.yieldNow();
      }
      yield* Fiber.interrupt(consumer);
    }),
  );
}
export const effect: Impl = {
  name: "effect Queue",
  short: "effect",
  runs: {
    W2: (n) => effectPingPong(n, Queue.bounded<number>(1024)),
    W3: (n) =>
      Effect.runPromise(
        Effect.gen(function* () {
          const q = yield* Queue.bounded<number>(64);
          const consumers = [];
          for (let k = 0; k < C; k++) {
            consumers.push(
              yield* Effect.fork(
                Effect.gen(function* () {
                  while ((yield* Queue.take(q)) !== STOP);
                }),
              ),
            );
          }
          const producers = [];
          for (let k = 0; k < P; k++) {
            producers.push(
              yield* Effect.fork(
                Effect.gen(function* () {
                  for (let i = 0; i < n / P; i++) yield* Queue.offer(q, i);
                }),
              ),
            );
          }
          for (const f of producers) yield* Fiber.join(f);
          for (let i = 0; i < C; i++) yield* Queue.offer(q, STOP);
          for (const f of consumers) yield* Fiber.join(f);
        }),
      ),
    W4d: (n) => effectOffer(n, Queue.dropping<number>(1024)),
    W4s: (n) => effectOffer(n, Queue.sliding<number>(1024)),
  },
};

export const impls: Impl[] = [ours, baseline, raw, jsext, tsChanSafe, tsChanUnsafe, jsCsp, effect];
