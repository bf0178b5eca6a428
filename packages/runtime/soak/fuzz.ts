// Bad input, fuzzed with fast-check (shared by the test run's short form and `pnpm soak`):
// command/request payloads of every shape (cyclic objects, functions, symbols, bigints, proxies,
// getters that throw, values structured clone refuses) to go and thread workers, and definitions
// wrong in every way a hand-written file can be. Every outcome is a value or an error with a
// string `code` (or the worker's own error, with its error event); nothing crashes, nothing
// hangs (each go call settles within a few event-loop turns), and the system serves afterwards.
// Go payloads also go straight onto the input channel (a thenable is refused with
// ERR_THENABLE) and with out-of-range request timeouts (ERR_INVALID_ARGUMENT).
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  startWorkers,
  type ThreadOptions,
  type WorkersEvent,
  type WorkersSystem,
} from "../src/index.js";

const realSetImmediate = globalThis.setImmediate;
const turn = (): Promise<void> => new Promise((resolve) => realSetImmediate(resolve));

function cyclic(): unknown {
  const a: Record<string, unknown> = { name: "a" };
  const b = { a, list: [a] };
  a.b = b;
  a.self = a;
  return a;
}

/** Throws on every string-keyed access (symbol keys are left alone: fast-check probes them). */
function hostile(): object {
  const trap = (): never => {
    throw new Error("hostile trap");
  };
  return new Proxy(
    {},
    {
      get: (_t, key) => (typeof key === "symbol" ? undefined : trap()),
      getPrototypeOf: trap,
      has: trap,
      ownKeys: trap,
    },
  );
}

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
  norm(): number {
    return Math.hypot(this.x, this.y);
  }
}

/**
 * Payloads: anything fast-check makes, plus the shapes that break naive runtimes. Each is a
 * factory called inside the property, so fast-check never touches a hostile value itself.
 */
export const payload: fc.Arbitrary<() => unknown> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .anything({
        withBigInt: true,
        withBoxedValues: true,
        withDate: true,
        withMap: true,
        withNullPrototype: true,
        withObjectString: true,
        withSet: true,
        withSparseArray: true,
        withTypedArray: true,
        withUnicodeString: true,
      })
      .map((v) => () => v),
  },
  {
    weight: 4,
    arbitrary: fc.constantFrom<() => unknown>(
      cyclic,
      () => () => 1,
      () => ({ fn: () => 1 }),
      () => Symbol("s"),
      () => ({ s: Symbol("nested") }),
      () => undefined,
      () => ({ inner: undefined }),
      () => 10n ** 30n,
      () => new Point(3, 4),
      () => new WeakMap(),
      () => new Error("an error as a message"),
      () => Object.create(null),
      () => new Uint8Array(8),
      () => new SharedArrayBuffer(8),
      () => ({ [Symbol("key")]: 1, visible: true }),
      () =>
        Object.defineProperty({}, "boom", {
          enumerable: true,
          get(): never {
            throw new Error("getter");
          },
        }),
      () => hostile(),
      () => Promise.resolve(1),
      // biome-ignore lint/suspicious/noThenProperty: a then that is not a function is data
      () => ({ then: 1 }),
      () => NaN,
      () => -0,
      () => "",
      () => null,
    ),
  },
);

function isCoded(error: unknown): boolean {
  try {
    return typeof (error as { code?: unknown }).code === "string";
  } catch {
    return false;
  }
}

function codeOf(error: unknown): unknown {
  try {
    return (error as { code?: unknown }).code;
  } catch {
    return undefined;
  }
}

function canClone(value: unknown): boolean {
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown } | "pending";

/**
 * A definition whose function references name modules settles after module resolution (I/O):
 * it gets a wall-clock bound, never waited for unless start hangs.
 */
async function withinMs<T>(call: Promise<T>, ms: number): Promise<Outcome<T>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<"pending">((resolve) => {
    timer = setTimeout(() => resolve("pending"), ms);
  });
  const settled = call.then(
    (value): Outcome<T> => ({ ok: true, value }),
    (error: unknown): Outcome<T> => ({ ok: false, error }),
  );
  try {
    return await Promise.race([settled, hang]);
  } finally {
    clearTimeout(timer);
  }
}

/** Awaits a call for at most `turns` event-loop turns; "pending" if it did not settle. */
async function within<T>(call: Promise<T>, turns: number): Promise<Outcome<T>> {
  let out: Outcome<T> = "pending";
  call.then(
    (value) => {
      out = { ok: true, value };
    },
    (error: unknown) => {
      out = { ok: false, error };
    },
  );
  for (let i = 0; i < turns && out === "pending"; i++) await turn();
  return out;
}

/** How a payload reaches the worker. */
const how = fc.constantFrom(
  "command" as const,
  "request" as const,
  "put" as const,
  "badTimeout" as const,
);

/** Durations no timer takes as they are, and values that are not durations. */
const BAD_TIMEOUTS: readonly unknown[] = [0, -5, Number.NaN, null, "abc", 2 ** 31, 30 * 86_400_000];
const badTimeout = (i: number): unknown => BAD_TIMEOUTS[i % BAD_TIMEOUTS.length];

/** Options of the fuzz runs. */
export interface FuzzOptions {
  readonly runs: number;
  readonly seed?: number;
}

/** Fuzzes command/request payloads to a go worker (an echo); returns how many were tried. */
export async function fuzzGoPayloads(options: FuzzOptions): Promise<number> {
  const errors: WorkersEvent[] = [];
  const system: WorkersSystem<any> = await startWorkers(
    {
      channels: { in: { buffer: 4 } },
      workers: {
        echo: {
          kind: "command",
          in: "in",
          workerFn: (_ctx: unknown, m: unknown) => m,
          expose: true,
        },
      },
    },
    { obs: (e: WorkersEvent) => (e.type === "workers.error" ? errors.push(e) : undefined) },
  );
  let tried = 0;
  try {
    await fc.assert(
      fc.asyncProperty(payload, how, async (make, way) => {
        const msg = make();
        tried++;
        const errorsBefore = errors.length;
        if (way === "put") {
          // Straight onto the input channel: a thenable (or a value whose `then` cannot be
          // read) is refused before anything changes; anything else but undefined is taken.
          const input = system.channels.in!;
          const size = input.size;
          let refused: unknown;
          try {
            input.putAsync(msg);
          } catch (error) {
            refused = codeOf(error);
          }
          if (refused !== undefined) {
            assert.ok(
              refused === "ERR_THENABLE" || refused === "ERR_UNDEFINED_VALUE",
              String(refused),
            );
            assert.equal(input.size, size, "nothing changed");
          } else {
            assert.notEqual(msg, undefined);
          }
          return;
        }
        const call =
          way === "command"
            ? system.command("echo", msg)
            : way === "request"
              ? system.request("echo", msg)
              : system.request("echo", msg, { timeoutMs: badTimeout(tried) as never });
        const out = await within(call, 20);
        assert.notEqual(out, "pending", "the call settles");
        if (out === "pending") return;
        if (way === "badTimeout") {
          assert.equal(out.ok, false);
          assert.equal(codeOf((out as { error: unknown }).error), "ERR_INVALID_ARGUMENT");
          return;
        }
        if (msg === undefined) {
          assert.equal(out.ok, false);
          assert.equal(codeOf((out as { error: unknown }).error), "ERR_INVALID_MESSAGE");
          return;
        }
        if (way === "command") {
          assert.deepEqual(out, { ok: true, value: true });
          return;
        }
        if (out.ok) {
          // A go worker gets the very value; a thenable is awaited like any async result.
          if (msg instanceof Promise) assert.equal(out.value, 1);
          else assert.ok(Object.is(out.value, msg), "the worker got the very value");
        } else {
          // Only a value whose `then` cannot be read fails, as the worker's own error.
          assert.equal(typeof msg, "object");
          await turn();
          assert.equal(errors.length, errorsBefore + 1, "one error event");
        }
      }),
      { numRuns: options.runs, ...(options.seed === undefined ? {} : { seed: options.seed }) },
    );
    for (let i = 0; i < 5; i++) assert.deepEqual(await system.request("echo", { i }), { i });
  } finally {
    await system.stop();
  }
  return tried;
}

/** Fuzzes request payloads to a thread worker (an echo), several at once; returns how many were tried. */
export async function fuzzThreadPayloads(
  options: FuzzOptions & { threads?: ThreadOptions },
): Promise<number> {
  const errors: WorkersEvent[] = [];
  const system: WorkersSystem<any> = await startWorkers(
    {
      channels: { in: { buffer: 16 } },
      workers: {
        echo: {
          kind: "command",
          in: "in",
          workerFn: `${new URL("./thread-stage.mjs", import.meta.url).href}#echo`,
          dispatch: "thread",
          expose: true,
          concurrency: 4,
        },
      },
    },
    { obs: (e: WorkersEvent) => (e.type === "workers.error" ? errors.push(e) : undefined) },
    { threads: { min: 1, max: 1, ...options.threads } },
  );
  let tried = 0;
  try {
    await fc.assert(
      fc.asyncProperty(fc.array(payload, { minLength: 1, maxLength: 6 }), async (makes) => {
        const msgs = makes.map((make) => make());
        tried += msgs.length;
        // Sent together, so bad and good messages share pool tasks.
        const outs = await Promise.all(
          msgs.map((m) =>
            system.request("echo", m).then(
              (value: unknown) => ({ ok: true as const, value }),
              (error: unknown) => ({ ok: false as const, error }),
            ),
          ),
        );
        msgs.forEach((msg, i) => {
          const out = outs[i]!;
          if (msg !== undefined && canClone(msg)) {
            assert.equal(out.ok, true, "a cloneable message is echoed");
            if (out.ok) assert.deepEqual(out.value, structuredClone(msg));
          } else {
            assert.equal(out.ok, false);
            if (!out.ok) assert.equal(codeOf(out.error), "ERR_INVALID_MESSAGE");
          }
        });
      }),
      { numRuns: options.runs, ...(options.seed === undefined ? {} : { seed: options.seed }) },
    );
    // A command of a message that cannot be cloned is accepted and ends as one error event.
    const before = errors.length;
    assert.equal(await system.command("echo", { fn: () => 1 }), true);
    assert.deepEqual(await system.request("echo", { after: true }), { after: true });
    assert.equal(errors.length, before + 1);
    assert.equal(codeOf((errors.at(-1) as { error: unknown }).error), "ERR_INVALID_MESSAGE");
  } finally {
    await system.stop();
  }
  return tried;
}

// ---- definitions ------------------------------------------------------------------------------

const valid = (): Record<string, unknown> => ({
  channels: {
    "jobs/in": { buffer: 4 },
    "jobs/out": { buffer: 2, bufferType: "sliding" },
  },
  workers: {
    jobs: {
      kind: "command",
      in: "jobs/in",
      workerFn: (_c: unknown, m: unknown) => m,
      expose: true,
      outputChan: "jobs/out",
    },
    tick: { kind: "ticker", intervalMs: 1000, out: "jobs/out" },
  },
});

/** The normalized shape, hand-made (it would skip validation if it were well-formed). */
const normalizedLike = (): Record<string, unknown> => ({
  channels: { "jobs/in": { buffer: 4, bufferType: "fixed", putMode: "async" } },
  workers: {
    jobs: {
      name: "jobs",
      kind: "command",
      in: "jobs/in",
      workerFn: (_c: unknown, m: unknown) => m,
      dispatch: "go",
      expose: true,
      concurrency: 1,
    },
  },
});

/** A path into a definition and a value to put there (or delete with `undefined`). */
const mutation = fc.tuple(
  fc.constantFrom(
    [],
    ["channels"],
    ["workers"],
    ["channels", "jobs/in"],
    ["channels", "jobs/in", "buffer"],
    ["channels", "jobs/in", "bufferType"],
    ["channels", "jobs/in", "putMode"],
    ["channels", "jobs/out", "buffer"],
    ["channels", "extra"],
    ["workers", "jobs"],
    ["workers", "jobs", "kind"],
    ["workers", "jobs", "in"],
    ["workers", "jobs", "workerFn"],
    ["workers", "jobs", "dispatch"],
    ["workers", "jobs", "expose"],
    ["workers", "jobs", "concurrency"],
    ["workers", "jobs", "outputChan"],
    ["workers", "jobs", "failChan"],
    ["workers", "jobs", "batch"],
    ["workers", "jobs", "name"],
    ["workers", "jobs", "workerRef"],
    ["workers", "tick", "intervalMs"],
    ["workers", "tick", "initialDelayMs"],
    ["workers", "tick", "out"],
    ["workers", "tick", "expose"],
    ["workers", "__proto__"],
    ["workers", "other"],
  ),
  fc.oneof(
    fc.anything({ withNullPrototype: true, withBigInt: true, maxDepth: 2 }).map((v) => () => v),
    fc
      .constantFrom<unknown>(
        undefined,
        -1,
        0,
        1.5,
        Number.NaN,
        Number.POSITIVE_INFINITY,
        "",
        "dropping",
        "sliding",
        "thread",
        "ticker",
        "nope",
        "jobs/in",
        "missing/chan",
        "./no-such-module.js#fn",
        "node:fs#readFileSync",
        "node:path#nope",
        Symbol("x"),
      )
      .map((v) => () => v),
    fc.constantFrom<() => unknown>(
      () => () => 1,
      () => (_ctx: unknown, m: unknown) => m,
      () => ({ url: "node:path", exportName: "join" }),
      () => ({ size: 4, maxWaitMs: 0 }),
      cyclic,
      hostile,
    ),
  ),
);

function apply(def: Record<string, unknown>, path: readonly string[], value: unknown): unknown {
  if (path.length === 0) return value;
  let node: Record<string, unknown> = def;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== "object" || next === null) return def;
    node = next as Record<string, unknown>;
  }
  const last = path.at(-1)!;
  if (value === undefined) delete node[last];
  else {
    Object.defineProperty(node, last, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return def;
}

/**
 * Fuzzes definitions (raw, and hand-made normalized ones): a wrong one rejects with a coded
 * error, a right one starts and stops. Returns how many were tried.
 */
export async function fuzzDefinitions(options: FuzzOptions & { baseUrl: string }): Promise<number> {
  let tried = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.array(mutation, { minLength: 1, maxLength: 3 }),
      fc.boolean(),
      async (mutations, normalized) => {
        tried++;
        let def: unknown = normalized ? normalizedLike() : valid();
        for (const [path, make] of mutations) {
          const value = make();
          try {
            def =
              typeof def === "object" && def !== null
                ? apply(def as Record<string, unknown>, path, value)
                : value;
          } catch {
            // A hostile definition cannot be edited further; it is tried as it is.
          }
        }
        const out = await withinMs(
          startWorkers(def as never, {}, { baseUrl: options.baseUrl }),
          10_000,
        );
        assert.notEqual(out, "pending", "startWorkers settles");
        if (out === "pending") return;
        if (out.ok) {
          await out.value.stop({ timeoutMs: 0 });
        } else {
          assert.ok(isCoded(out.error), `a coded error, got ${String(out.error)}`);
          assert.ok((out.error as Error).message.length > 0);
        }
      },
    ),
    { numRuns: options.runs, ...(options.seed === undefined ? {} : { seed: options.seed }) },
  );
  return tried;
}
