// Bad input, fuzzed with fast-check: command/request payloads of every shape (cyclic objects,
// functions, symbols, bigints, proxies, values structured clone refuses) to go and thread
// workers, and definitions that are wrong in every way a hand-written file can be. Every outcome
// is a value or an error with a string `code` (or the worker's own error, with its error
// event); nothing crashes, nothing hangs: each call settles within a few event-loop turns (go)
// or once the thread answered (thread), and the system serves afterwards.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startWorkers, type WorkersSystem } from "../../src/index.js";
import { faultsRef, flush, Ledger, tsxExecArgv } from "./ledger.js";

/** How many inputs the fuzz tried, per suite (RELIABILITY.md quotes them). */
export const tried = { goPayloads: 0, threadPayloads: 0, definitions: 0 };

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
const payload: fc.Arbitrary<() => unknown> = fc.oneof(
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

function canClone(value: unknown): boolean {
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
}

/** Awaits a call for at most `turns` event-loop turns; "pending" if it did not settle. */
async function within<T>(
  call: Promise<T>,
  turns: number,
): Promise<{ ok: true; value: T } | { ok: false; error: unknown } | "pending"> {
  let out: { ok: true; value: T } | { ok: false; error: unknown } | "pending" = "pending";
  call.then(
    (value) => {
      out = { ok: true, value };
    },
    (error: unknown) => {
      out = { ok: false, error };
    },
  );
  for (let i = 0; i < turns && out === "pending"; i++) await flush();
  return out;
}

describe("payloads to a go worker", () => {
  const ledger = new Ledger();
  let system: WorkersSystem<any>;
  beforeAll(async () => {
    system = await startWorkers(
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
      } as never,
      { obs: ledger.emit },
    );
  });
  afterAll(() => system.stop());

  test("every command and request settles: the value itself, or a coded refusal, or the worker's error with its event", async () => {
    await fc.assert(
      fc.asyncProperty(payload, fc.boolean(), async (make, asRequest) => {
        const msg = make();
        tried.goPayloads++;
        const errorsBefore = ledger.errors().length;
        const out = await within(
          asRequest ? system.request("echo", msg) : system.command("echo", msg),
          20,
        );
        expect(out).not.toBe("pending");
        if (out === "pending") return;
        if (msg === undefined) {
          expect(out.ok).toBe(false);
          expect((out as { error: unknown }).error).toMatchObject({ code: "ERR_INVALID_MESSAGE" });
          return;
        }
        if (!asRequest) {
          expect(out).toEqual({ ok: true, value: true });
          return;
        }
        if (out.ok) {
          // A go worker gets the very value; a thenable is awaited like any async result.
          if (msg instanceof Promise) expect(out.value).toBe(1);
          else expect(Object.is(out.value, msg)).toBe(true);
        } else {
          // Only a value whose `then` cannot be read fails, as the worker's own error.
          expect(msg).toBeTypeOf("object");
          await flush();
          expect(ledger.errors().length).toBe(errorsBefore + 1);
        }
      }),
      { numRuns: 300 },
    );
    for (let i = 0; i < 5; i++) await expect(system.request("echo", { i })).resolves.toEqual({ i });
  });
});

describe("payloads to a thread worker", () => {
  const ledger = new Ledger();
  let system: WorkersSystem<any>;
  beforeAll(async () => {
    system = await startWorkers(
      {
        channels: { in: { buffer: 16 } },
        workers: {
          echo: {
            kind: "command",
            in: "in",
            workerFn: faultsRef("echo"),
            dispatch: "thread",
            expose: true,
            concurrency: 4,
          },
        },
      } as never,
      { obs: ledger.emit },
      { threads: { min: 1, max: 1, execArgv: tsxExecArgv } },
    );
  });
  afterAll(() => system.stop());

  test("every request resolves with a structured clone of the value, or rejects with ERR_INVALID_MESSAGE", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(payload, { minLength: 1, maxLength: 6 }), async (makes) => {
        const msgs = makes.map((make) => make());
        tried.threadPayloads += msgs.length;
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
            expect(out.ok, "a cloneable message is echoed").toBe(true);
            if (out.ok) expect(out.value).toEqual(structuredClone(msg));
          } else {
            expect(out.ok).toBe(false);
            if (!out.ok) {
              expect(out.error).toMatchObject({ code: "ERR_INVALID_MESSAGE" });
              expect(isCoded(out.error)).toBe(true);
            }
          }
        });
      }),
      { numRuns: 60 },
    );
    // Commands of non-cloneable messages are accepted and each ends as one error event.
    const before = ledger.errors().length;
    await expect(system.command("echo", { fn: () => 1 })).resolves.toBe(true);
    await expect(system.request("echo", { after: true })).resolves.toEqual({ after: true });
    expect(ledger.errors().length).toBe(before + 1);
    expect(ledger.errors().at(-1)?.error).toMatchObject({ code: "ERR_INVALID_MESSAGE" });
  });
});

// ---- definitions ------------------------------------------------------------------------------

const valid = () => ({
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
  else
    Object.defineProperty(node, last, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return def;
}

/** The normalized shape, hand-made (it skips validation): what a wrong "already normalized" object does. */
function normalizedLike(): Record<string, unknown> {
  return {
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
  };
}

describe("definitions", () => {
  test("a wrong definition rejects with a coded error listing the problem; a right one starts and stops", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        async (mutations, normalized) => {
          tried.definitions++;
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
          const out = await within(
            startWorkers(def as never, {}, { baseUrl: import.meta.url }),
            200,
          );
          expect(out, "startWorkers settles").not.toBe("pending");
          if (out === "pending") return;
          if (out.ok) {
            await out.value.stop({ timeoutMs: 0 });
          } else {
            expect(isCoded(out.error), String(out.error)).toBe(true);
            expect((out.error as Error).message.length).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
