// fast-check arbitraries for the schema/loader agreement test: valid definitions in canonical
// camelCase, the spellings d-core users may write them in, and near-valid mutations of them.
import fc from "fast-check";
import {
  BACKOFF_ALIASES,
  BATCH_ALIASES,
  CHANNEL_ALIASES,
  KEYWORD_KEYS,
  NESTED_ALIASES,
  RATE_LIMIT_ALIASES,
  RETRY_ALIASES,
  WORKER_ALIASES,
} from "../src/internal/aliases.js";
import {
  BACKOFF_KEYS,
  BATCH_KEYS,
  CHANNEL_KEYS,
  RATE_LIMIT_KEYS,
  RETRY_KEYS,
  WORKER_KEYS,
} from "../src/internal/zod-issues.js";
import { MAX_DELAY_MS } from "../src/schema.js";

export type Entry = Record<string, unknown>;
export interface Definition {
  $schema?: string;
  channels: Record<string, Entry>;
  workers: Record<string, Entry>;
}

const REFS = ["./workers.js#commands", "./workers.js#heartbeat", "./workers.js"];

const channelArb = fc
  .record(
    {
      buffer: fc.integer({ min: 0, max: 8 }),
      bufferType: fc.constantFrom("fixed", "dropping", "sliding"),
      putMode: fc.constantFrom("async", "block", "drop"),
      transport: fc.constantFrom("nats", "redis"),
      subject: fc.constantFrom("images.in", "jobs"),
    },
    { requiredKeys: [] },
  )
  .map((c): Entry => {
    // A dropping or sliding buffer needs room for a value.
    if (c.bufferType !== undefined && c.bufferType !== "fixed" && !(c.buffer ?? 0)) c.buffer = 1;
    return c;
  });

const delayArb = fc.oneof(
  fc.integer({ min: 1, max: MAX_DELAY_MS }),
  fc.double({ min: 0.001, max: 100_000, noNaN: true }),
);

const backoffMsArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.oneof(fc.integer({ min: 0, max: MAX_DELAY_MS }), fc.double({ min: 0, max: 1e4, noNaN: true })),
  fc.array(fc.integer({ min: 0, max: MAX_DELAY_MS }), { minLength: 1, maxLength: 4 }),
  fc.record(
    {
      initialMs: fc.integer({ min: 0, max: 10_000 }),
      factor: fc.oneof(fc.constant(1), fc.double({ min: 1, max: 10, noNaN: true })),
      maxMs: fc.integer({ min: 0, max: MAX_DELAY_MS }),
      jitter: fc.double({ min: 0, max: 1, noNaN: true }),
    },
    { requiredKeys: ["initialMs"] },
  ),
);

const retryArb = fc.record(
  { attempts: fc.integer({ min: 1, max: 5 }), backoffMs: backoffMsArb },
  { requiredKeys: [] },
);

const rateLimitArb = fc.record({
  max: fc.integer({ min: 1, max: 100 }),
  intervalMs: fc.oneof(delayArb, fc.constant(MAX_DELAY_MS)).filter((ms) => ms >= 1),
});

function workerArb(channels: readonly string[]): fc.Arbitrary<Entry> {
  const channel = fc.constantFrom(...channels);
  const command = fc
    .record(
      {
        kind: fc.constant("command"),
        in: channel,
        workerFn: fc.constantFrom(...REFS),
        dispatch: fc.constantFrom("go", "thread"),
        expose: fc.boolean(),
        outputChan: channel,
        failChan: channel,
        concurrency: fc.integer({ min: 1, max: 4 }),
        batch: fc.record(
          { size: fc.integer({ min: 1, max: 4 }), maxWaitMs: fc.integer({ min: 0, max: 100 }) },
          { requiredKeys: ["size"] },
        ),
        retry: retryArb,
        timeoutMs: fc.oneof(fc.integer({ min: 1, max: MAX_DELAY_MS }), fc.constant(1.5)),
        rateLimit: rateLimitArb,
      },
      { requiredKeys: ["kind", "in", "workerFn"] },
    )
    .map((w): Entry => (w.batch === undefined ? w : { ...w, dispatch: "thread" }));
  const ticker = fc
    .record(
      {
        kind: fc.constant("ticker"),
        intervalMs: delayArb,
        initialDelayMs: fc.integer({ min: 0, max: 10_000 }),
        out: channel,
        workerFn: fc.constantFrom(...REFS),
        dispatch: fc.constantFrom("go", "thread"),
        expose: fc.constant(false),
        concurrency: fc.constant(1),
        outputChan: channel,
        failChan: channel,
      },
      { requiredKeys: ["kind"] },
    )
    .map(
      (w): Entry =>
        w.dispatch === "thread" && w.workerFn === undefined ? { ...w, workerFn: REFS[0] } : w,
    );
  return fc.oneof(command, ticker);
}

function fromEntries<T>(names: readonly string[], values: readonly T[]): Record<string, T> {
  return Object.fromEntries(names.map((n, i) => [n, values[i] as T]));
}

/** A valid definition in canonical camelCase. */
export const definitionArb: fc.Arbitrary<Definition> = fc
  .uniqueArray(fc.constantFrom("jobs", "images/in", "images/out", "a.b", "constructor", ":"), {
    minLength: 1,
    maxLength: 4,
  })
  .chain((channelNames) =>
    fc.record(
      {
        $schema: fc.constant("./node_modules/@workers/config/schema.json"),
        channels: fc
          .tuple(...channelNames.map(() => channelArb))
          .map((cs) => fromEntries(channelNames, cs)),
        workers: fc
          .uniqueArray(fc.constantFrom("commands", "image-store", "tick", "w"), {
            minLength: 1,
            maxLength: 3,
          })
          .chain((names) =>
            fc
              .tuple(...names.map(() => workerArb(channelNames)))
              .map((ws) => fromEntries(names, ws)),
          ),
      },
      { requiredKeys: ["channels", "workers"] },
    ),
  );

/** Every spelling of a canonical key, the canonical one first. */
export function spellingsOf(key: string, aliases: Readonly<Record<string, string>>): string[] {
  return [key, ...Object.keys(aliases).filter((a) => aliases[a] === key)];
}

/** Picks a spelling for each name, key and keyword value; `pick(path, n)` is in 0..n-1. */
export type Pick = (path: string, n: number) => number;

function respellEntry(
  entry: Entry,
  aliases: Readonly<Record<string, string>>,
  pick: Pick,
  at: string,
): Entry {
  const out: Entry = {};
  for (const [key, value] of Object.entries(entry)) {
    const spellings = spellingsOf(key, aliases);
    const written = spellings[pick(`${at}.${key}`, spellings.length)] as string;
    let v = value;
    if (typeof v === "string" && KEYWORD_KEYS.has(key) && pick(`${at}.${key}=`, 2) === 1) {
      v = `:${v}`;
    }
    const nested = NESTED_ALIASES[key];
    if (nested !== undefined && objects(v)) v = respellEntry(v, nested, pick, `${at}.${key}`);
    out[written] = v;
  }
  return out;
}

/** The definition as d-core users may write it: kebab-case keys, `:keyword` names and values. */
export function respell(definition: Definition, pick: Pick): unknown {
  const section = (name: "channels" | "workers", aliases: Readonly<Record<string, string>>) =>
    Object.fromEntries(
      Object.entries(definition[name]).map(([n, entry]) => [
        pick(`${name}/${n}`, 2) === 1 ? `:${n}` : n,
        respellEntry(entry, aliases, pick, `${name}/${n}`),
      ]),
    );
  return {
    ...(definition.$schema === undefined ? {} : { $schema: definition.$schema }),
    channels: section("channels", CHANNEL_ALIASES),
    workers: section("workers", WORKER_ALIASES),
  };
}

export const pickArb: fc.Arbitrary<Pick> = fc
  .func(fc.nat())
  .map((f) => (path: string, n: number) => f(path) % n);

// Mutations: near-valid definitions.

const keysOf = (canonical: readonly string[], aliases: Readonly<Record<string, string>>) => [
  ...canonical,
  ...Object.keys(aliases),
];
const CHANNEL_KEY_POOL = [...keysOf(CHANNEL_KEYS, CHANNEL_ALIASES), ":buffer", "size", "worker-fn"];
const WORKER_KEY_POOL = [
  ...keysOf(WORKER_KEYS, WORKER_ALIASES),
  ":in",
  "buffer-type",
  "max-wait-ms",
  "retries",
];
const BATCH_KEY_POOL = [...keysOf(BATCH_KEYS, BATCH_ALIASES), "bogus"];
const RETRY_KEY_POOL = [...keysOf(RETRY_KEYS, RETRY_ALIASES), "delayMs", "max-ms"];
const BACKOFF_KEY_POOL = [...keysOf(BACKOFF_KEYS, BACKOFF_ALIASES), "initial-delay-ms"];
const RATE_LIMIT_KEY_POOL = [...keysOf(RATE_LIMIT_KEYS, RATE_LIMIT_ALIASES), "per", "size"];
/** The key pools of the objects below an entry, by their canonical key. */
const NESTED_POOLS: Readonly<Record<string, readonly string[]>> = {
  batch: BATCH_KEY_POOL,
  retry: RETRY_KEY_POOL,
  backoffMs: BACKOFF_KEY_POOL,
  rateLimit: RATE_LIMIT_KEY_POOL,
};
const ROOT_KEY_POOL = ["$schema", "channels", "workers", "extra"];

const EDGE_VALUES: readonly unknown[] = [
  -1,
  0,
  1,
  2,
  0.5,
  MAX_DELAY_MS,
  MAX_DELAY_MS + 1,
  2 ** 53,
  "",
  ":",
  "fixed",
  ":dropping",
  "::sliding",
  "sliding",
  ":block",
  "drop",
  "command",
  ":command",
  "ticker",
  ":ticker",
  "go",
  ":thread",
  "thread",
  "THREAD",
  "nats",
  ":nats",
  "jobs",
  ":jobs",
  "images/in",
  "nowhere",
  true,
  false,
  null,
  [],
  {},
  { size: 0 },
  { size: 2 },
  { size: 2, "max-wait-ms": 5 },
  { size: 1, maxWaitMs: -1 },
  { size: 1, maxWaitMs: 1, "max-wait-ms": 1 },
  { attempts: 3 },
  { attempts: 0 },
  { attempts: 2, backoffMs: [] },
  { "backoff-ms": [10, -1] },
  { backoffMs: { "initial-ms": 5, jitter: 0.5 } },
  { backoffMs: { initialMs: 5, factor: 0.5 } },
  { max: 1, intervalMs: 1000 },
  { max: 0, "interval-ms": 5 },
  { max: 2 },
  [5, 10],
  "./workers.js#commands",
  "./workers.js#nope",
  "./workers.js#notAFunction",
  "./nowhere.js",
  "#",
  "./workers.js#",
  "./workers.js# ",
  " ",
  "##x",
  " #x",
  "#x#",
];

/** Values a key is likely to get, so mutations reach the rules, not only the type checks. */
const PLAUSIBLE: Readonly<Record<string, readonly unknown[]>> = {
  buffer: [0, 1, 4, -1],
  bufferType: ["fixed", "dropping", ":sliding", "dropped"],
  putMode: ["async", ":block", "drop"],
  transport: ["nats", ":nats", ""],
  subject: ["images.in", ""],
  kind: ["command", ":command", "ticker", ":ticker"],
  in: ["jobs", ":jobs", "nowhere", ":"],
  out: ["jobs", "images/in", "nowhere"],
  outputChan: ["jobs", ":images/out", "nowhere"],
  failChan: ["jobs", "a.b", "nowhere"],
  workerFn: ["./workers.js#heartbeat", "./workers.js#nope", "./workers.js#", "#", "./nowhere.js"],
  dispatch: ["go", "thread", ":thread", ":go"],
  expose: [true, false],
  concurrency: [1, 2, 0],
  intervalMs: [1, 5000, 0, MAX_DELAY_MS + 1],
  initialDelayMs: [0, 10, -1],
  batch: [{ size: 2 }, { size: 1, "max-wait-ms": 3 }, { size: 0 }],
  size: [1, 3, 0],
  maxWaitMs: [0, 5, -1],
  retry: [{}, { attempts: 3, backoffMs: 100 }, { attempts: 0 }, { backoffMs: { initialMs: 1 } }],
  timeoutMs: [1, 30_000, 0, MAX_DELAY_MS + 1],
  rateLimit: [{ max: 1, intervalMs: 1000 }, { max: 5, "interval-ms": 0.5 }, { intervalMs: 5 }],
  attempts: [1, 3, 0, 1.5],
  backoffMs: [0, [1, 2], [], { initialMs: 10, factor: 2 }, { "max-ms": 1 }, -1],
  initialMs: [0, 10, -1],
  factor: [1, 2, 0.5],
  maxMs: [0, 1000, MAX_DELAY_MS + 1],
  jitter: [0, 0.5, 1, 1.5],
  max: [1, 10, 0],
};

const valueArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...EDGE_VALUES) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) },
);

export const mutationArb = fc.record({
  op: fc.oneof(
    { weight: 8, arbitrary: fc.constant("set") },
    { weight: 2, arbitrary: fc.constantFrom("delete", "respell") },
    { weight: 1, arbitrary: fc.constantFrom("rename", "entry", "section", "root") },
  ),
  target: fc.nat(),
  key: fc.nat(),
  value: valueArb,
  /** Most of the time a value from PLAUSIBLE (this index), else `value`. */
  plausible: fc.option(fc.nat(), { nil: undefined, freq: 4 }),
});
export type Mutation = typeof mutationArb extends fc.Arbitrary<infer M> ? M : never;

/** Assignment that keeps `__proto__` an ordinary own key, as JSON.parse does. */
function setOwn(target: Entry, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    writable: true,
    enumerable: true,
    configurable: true,
  });
}

const ALL_ALIASES: Readonly<Record<string, string>> = {
  ...WORKER_ALIASES,
  ...Object.assign({}, ...Object.values(NESTED_ALIASES)),
};

export const objects = (v: unknown): v is Entry =>
  typeof v === "object" && v !== null && !Array.isArray(v);

export function applyMutation(input: Entry, m: Mutation): unknown {
  const nth = <T>(items: readonly T[], n: number): T | undefined =>
    items.length === 0 ? undefined : items[n % items.length];
  // Every object a key can be set on: the root, each channel, each worker, each batch.
  const targets: [Entry, readonly string[], Readonly<Record<string, string>>][] = [
    [input, ROOT_KEY_POOL, {}],
  ];
  const sections: Entry[] = [];
  for (const [name, pool, aliases] of [
    ["channels", CHANNEL_KEY_POOL, CHANNEL_ALIASES],
    ["workers", WORKER_KEY_POOL, WORKER_ALIASES],
  ] as const) {
    const section = input[name];
    if (!objects(section)) continue;
    sections.push(section);
    for (const entry of Object.values(section)) {
      if (!objects(entry)) continue;
      targets.push([entry, pool, aliases]);
      // The objects below it, and below those (retry.backoffMs), at any spelling.
      const below = (obj: Entry): void => {
        for (const [k, v] of Object.entries(obj)) {
          const canonical = ALL_ALIASES[k] ?? k;
          const pool = NESTED_POOLS[canonical];
          if (pool === undefined || !objects(v)) continue;
          targets.push([v, pool, NESTED_ALIASES[canonical] ?? {}]);
          below(v);
        }
      };
      below(entry);
    }
  }
  const [entry, pool, aliases] = nth(targets, m.target) ?? targets[0]!;
  const value = structuredClone(m.value);
  switch (m.op) {
    case "set": {
      const key = nth(pool, m.key)!;
      const likely = PLAUSIBLE[aliases[key] ?? key] ?? [];
      const chosen = m.plausible === undefined ? undefined : nth(likely, m.plausible);
      setOwn(entry, key, chosen === undefined ? value : structuredClone(chosen));
      return input;
    }
    case "delete": {
      const key = nth(Object.keys(entry), m.key);
      if (key !== undefined) delete entry[key];
      return input;
    }
    case "respell": {
      // The same key again in another spelling.
      const key = nth(Object.keys(entry), m.key);
      if (key === undefined) return input;
      const canonical = aliases[key] ?? key;
      const other = spellingsOf(canonical, aliases).find((s) => s !== key);
      if (other !== undefined) setOwn(entry, other, entry[key]);
      return input;
    }
    case "rename": {
      // Another name for an entry: `:name` beside `name`, or one the loader refuses.
      const section = nth(sections, m.target);
      const name = section === undefined ? undefined : nth(Object.keys(section), m.key);
      if (section === undefined || name === undefined) return input;
      const names = [`:${name}`, name.startsWith(":") ? name.slice(1) : `::${name}`];
      const to = nth([...names, "", "__proto__", ":__proto__"], m.key + m.target)!;
      setOwn(section, to, structuredClone(section[name]));
      if (m.key % 2 === 0) delete section[name];
      return input;
    }
    case "entry": {
      const section = nth(sections, m.target);
      const name = section === undefined ? undefined : nth(Object.keys(section), m.key);
      if (section !== undefined && name !== undefined) setOwn(section, name, value);
      return input;
    }
    case "section": {
      // Absent, empty, null (an empty `channels:` in YAML), or something else.
      const section = m.target % 2 === 0 ? "channels" : "workers";
      const replacement = nth([undefined, {}, null, [], value], m.key);
      if (replacement === undefined) delete input[section];
      else input[section] = replacement;
      return input;
    }
    default:
      // Rarely, something that is no definition at all.
      return m.key % 4 === 0 ? value : input;
  }
}
