// The seed's EDN definitions port to JSON/YAML as they are: kebab-case keys (`buffer-type`,
// `expose?`) and keyword-style names (`:images/in`, `kind: :command`) are rewritten to the
// canonical camelCase form before validation. Paths in issues still point at what was written.
import type { ConfigIssue } from "../types.js";

/** Kebab-case channel keys and their canonical names. */
export const CHANNEL_ALIASES: Readonly<Record<string, string>> = {
  "buffer-type": "bufferType",
  "put-mode": "putMode",
};

/** Kebab-case worker keys and their canonical names. */
export const WORKER_ALIASES: Readonly<Record<string, string>> = {
  "worker-fn": "workerFn",
  "output-chan": "outputChan",
  "fail-chan": "failChan",
  "interval-ms": "intervalMs",
  "initial-delay-ms": "initialDelayMs",
  "expose?": "expose",
  "timeout-ms": "timeoutMs",
  "rate-limit": "rateLimit",
};

/** Kebab-case keys of a worker's `batch` and their canonical names. */
export const BATCH_ALIASES: Readonly<Record<string, string>> = {
  "max-wait-ms": "maxWaitMs",
};

/** Kebab-case keys of a worker's `retry` and their canonical names. */
export const RETRY_ALIASES: Readonly<Record<string, string>> = {
  "backoff-ms": "backoffMs",
};

/** Kebab-case keys of an exponential `retry.backoffMs` and their canonical names. */
export const BACKOFF_ALIASES: Readonly<Record<string, string>> = {
  "initial-ms": "initialMs",
  "max-ms": "maxMs",
};

/** Kebab-case keys of a worker's `rateLimit` and their canonical names. */
export const RATE_LIMIT_ALIASES: Readonly<Record<string, string>> = {
  "interval-ms": "intervalMs",
};

/** The keys (canonical) whose object values are entries with keys of their own, and theirs. */
export const NESTED_ALIASES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  batch: BATCH_ALIASES,
  retry: RETRY_ALIASES,
  backoffMs: BACKOFF_ALIASES,
  rateLimit: RATE_LIMIT_ALIASES,
};

// One table for every entry: an alias of another entry's key (say `max-wait-ms` on a worker)
// becomes that key and is then reported as unknown there, at the spelling as written.
const KEY_ALIASES: Readonly<Record<string, string>> = {
  ...CHANNEL_ALIASES,
  ...WORKER_ALIASES,
  ...BATCH_ALIASES,
  ...RETRY_ALIASES,
  ...BACKOFF_ALIASES,
  ...RATE_LIMIT_ALIASES,
};

/**
 * Canonical keys whose string values are channel names, enum values or a transport name,
 * written `:name` in EDN style. The JSON Schema accepts the `:value` spellings of their enums.
 */
export const KEYWORD_KEYS: ReadonlySet<string> = new Set([
  "in",
  "out",
  "outputChan",
  "failChan",
  "kind",
  "dispatch",
  "bufferType",
  "putMode",
  "transport",
]);

/** Canonical spelling of an EDN-style keyword: `":images/in"` -> `"images/in"`. */
export function unkeyword(value: string): string {
  return value.length > 1 && value.startsWith(":") ? value.slice(1) : value;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** The canonical definition and how to map its paths back to what was written. */
export interface Canonical {
  value: unknown;
  issues: ConfigIssue[];
  /** Maps a path in `value` to the path as written. */
  original(path: readonly (string | number)[]): (string | number)[];
}

/** Assignment that keeps `__proto__` an ordinary own key (JSON.parse can produce one). */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    writable: true,
    enumerable: true,
    configurable: true,
  });
}

type Section = "channels" | "workers";

export function canonicalize(input: unknown): Canonical {
  const issues: ConfigIssue[] = [];
  // section -> canonical name -> written name; "section\0name" -> canonical key -> written key
  const names = new Map<string, Map<string, string>>();
  const keys = new Map<string, Map<string, string>>();

  const original = (path: readonly (string | number)[]): (string | number)[] => {
    const out = [...path];
    const [section, name] = path;
    if (typeof section !== "string" || typeof name !== "string") return out;
    out[1] = names.get(section)?.get(name) ?? name;
    // Keys below an entry (`retry.backoff-ms.max-ms`): each scope is named by canonical keys.
    let scope = `${section}\0${name}`;
    for (let i = 2; i < path.length; i++) {
      const key = path[i];
      if (typeof key !== "string") break;
      out[i] = keys.get(scope)?.get(key) ?? key;
      scope = `${scope}\0${key}`;
    }
    return out;
  };

  const rewriteEntry = (
    entry: Record<string, unknown>,
    scope: string,
    writtenPath: (string | number)[],
  ): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    const written = new Map<string, string>();
    for (const [key, raw] of Object.entries(entry)) {
      // An explicit `undefined` is an absent key (as zod's optional keys treat it).
      if (raw === undefined) continue;
      const canonicalKey = KEY_ALIASES[key] ?? key;
      const previous = written.get(canonicalKey);
      if (previous !== undefined) {
        issues.push({
          path: [...writtenPath, key],
          code: "duplicate-key",
          message: `${JSON.stringify(key)} and ${JSON.stringify(previous)} are the same key (${canonicalKey}). Keep one of them.`,
        });
        continue;
      }
      written.set(canonicalKey, key);
      let value = raw;
      if (typeof value === "string" && KEYWORD_KEYS.has(canonicalKey)) value = unkeyword(value);
      if (Object.hasOwn(NESTED_ALIASES, canonicalKey) && isPlainObject(value)) {
        value = rewriteEntry(value, `${scope}\0${canonicalKey}`, [...writtenPath, key]);
      }
      setOwn(out, canonicalKey, value);
    }
    const aliased = new Map([...written].filter(([canon, w]) => canon !== w));
    if (aliased.size > 0) keys.set(scope, aliased);
    return out;
  };

  const rewriteSection = (section: Section, raw: unknown): unknown => {
    if (!isPlainObject(raw)) return raw;
    const out: Record<string, unknown> = {};
    const sectionNames = new Map<string, string>();
    for (const [name, entry] of Object.entries(raw)) {
      const canonicalName = unkeyword(name);
      const previous = sectionNames.get(canonicalName);
      if (previous !== undefined) {
        issues.push({
          path: [section, name],
          code: "duplicate-key",
          message: `${JSON.stringify(name)} and ${JSON.stringify(previous)} name the same ${section === "channels" ? "channel" : "worker"}. Keep one of them.`,
        });
        continue;
      }
      sectionNames.set(canonicalName, name);
      setOwn(
        out,
        canonicalName,
        isPlainObject(entry)
          ? rewriteEntry(entry, `${section}\0${canonicalName}`, [section, name])
          : entry,
      );
    }
    names.set(section, new Map([...sectionNames].filter(([c, w]) => c !== w)));
    return out;
  };

  if (!isPlainObject(input)) return { value: input, issues, original };
  const value: Record<string, unknown> = { ...input };
  if ("channels" in value) value.channels = rewriteSection("channels", value.channels);
  if ("workers" in value) value.workers = rewriteSection("workers", value.workers);
  return { value, issues, original };
}
