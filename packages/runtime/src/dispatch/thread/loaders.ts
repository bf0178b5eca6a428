// The loaders pool threads run: the main process's module preloads and hooks (`--import`,
// `--require`, `--loader`), so a `.ts` thread module loads wherever the main module does.
//
// What Node.js already does (checked on 20.20 and 24.22): a worker thread inherits the process's
// `execArgv` and runs its `--import` and `--require` modules and `--loader` hooks itself, each
// thread with hooks of its own. Hooks registered at run time by `module.register()` outside
// those flags stay with the thread that registered them. One loader opts out: tsx's
// `--import tsx` (and `tsx/esm`) registers its ESM hooks on the main thread only on Node 20
// (tsx 4.23 registers in threads from Node 22.22.3 / 24.11.1 on; older tsx versions never do),
// so a thread cannot import `.ts` there. Its entry is
// replaced, in the threads' flags, by a preload that calls tsx's own `register()` API, resolved
// from the same tsx package: tsx registers exactly once in every thread on every Node line, in
// the position of the original flag (so `--import tsx --import ./telemetry.ts` still works).

import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve as resolvePath, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { workerExecArgv } from "./exec-argv.js";

/** Flags whose value is a module run before the main module (or a hooks module). */
const LOADER_FLAGS: ReadonlySet<string> = new Set([
  "--import",
  "--require",
  "-r",
  "--loader",
  "--experimental-loader",
]);

/** What an entry of tsx registers: its ESM hooks, and its CommonJS hooks too (`tsx`). */
type TsxEntry = "esm" | "esm+cjs";

/** The flags of the pool's threads. */
export interface ThreadFlags {
  /** The threads' `execArgv`; `undefined`: Node's own inheritance of the process's. */
  readonly execArgv: string[] | undefined;
  /**
   * The threads' `NODE_OPTIONS` (a thread reads it from its environment, as a process does);
   * `undefined`: the process's, as it is.
   */
  readonly nodeOptions: string | undefined;
}

/**
 * The flags of the pool's threads, from the process's `execArgv` and `NODE_OPTIONS`. Both are
 * left to Node (`undefined`) when nothing changes: no tsx entry to replace, nothing dropped or
 * added.
 *
 * - `inheritLoaders`: keep the process's loader flags (tsx's entries replaced, see above);
 *   without it, every `--import`, `--require`, `--loader` and `--experimental-loader` goes.
 * - When a loader of `NODE_OPTIONS` changes, all of its loaders move to the front of the
 *   threads' `execArgv` (Node runs `NODE_OPTIONS`' before the command line's), in order, so
 *   that a module after tsx still finds it registered.
 * - The process's flags a thread refuses (`--expose-gc`...) are left out, then `extra` follows
 *   as given.
 */
export function threadFlags(
  processArgv: readonly string[],
  nodeOptions: string | undefined,
  inheritLoaders: boolean,
  extra: readonly string[] | undefined,
  cwd: string = process.cwd(),
): ThreadFlags {
  const argv = adjust(processArgv, inheritLoaders, cwd);
  const env = adjust(
    nodeOptions === undefined ? [] : splitNodeOptions(nodeOptions),
    inheritLoaders,
    cwd,
  );
  if (!argv.changed && !env.changed && extra === undefined) {
    return { execArgv: undefined, nodeOptions: undefined };
  }
  const own = env.changed ? [...env.loaders, ...argv.all] : argv.all;
  return {
    execArgv: [...workerExecArgv(own), ...(extra ?? [])],
    nodeOptions: env.changed ? joinNodeOptions(env.others) : undefined,
  };
}

/** `threadFlags` for the `execArgv` alone (no `NODE_OPTIONS`). */
export function threadExecArgv(
  processArgv: readonly string[],
  inheritLoaders: boolean,
  extra: readonly string[] | undefined,
  cwd: string = process.cwd(),
): string[] | undefined {
  return threadFlags(processArgv, undefined, inheritLoaders, extra, cwd).execArgv;
}

interface Adjusted {
  /** Every flag, loaders adjusted, in order. */
  readonly all: string[];
  /** The loader flags alone, adjusted. */
  readonly loaders: string[];
  /** The other flags. */
  readonly others: string[];
  /** Whether a loader flag was replaced or dropped. */
  readonly changed: boolean;
}

function adjust(argv: readonly string[], inheritLoaders: boolean, cwd: string): Adjusted {
  const out: Adjusted = { all: [], loaders: [], others: [], changed: false };
  let changed = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const flag = flagName(arg);
    if (!LOADER_FLAGS.has(flag)) {
      out.all.push(arg);
      out.others.push(arg);
      continue;
    }
    const joined = arg.length > flag.length;
    const value = joined ? arg.slice(flag.length + 1) : argv[i + 1];
    if (!joined) i++;
    if (value === undefined) continue;
    if (!inheritLoaders) {
      changed = true;
      continue;
    }
    const replacement = flag === "--import" ? tsxPreload(value, cwd) : undefined;
    if (replacement !== undefined) changed = true;
    const kept = replacement === undefined ? [flag, value] : ["--import", replacement];
    out.all.push(...kept);
    out.loaders.push(...kept);
  }
  return { ...out, changed };
}

/**
 * `NODE_OPTIONS` split as Node splits it: at spaces, except inside double quotes, where a
 * backslash escapes the next character.
 */
export function splitNodeOptions(value: string): string[] {
  const out: string[] = [];
  let current: string | undefined;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    let c = value[i] as string;
    if (c === "\\" && quoted && i + 1 < value.length) {
      c = value[++i] as string;
    } else if (c === " " && !quoted) {
      if (current !== undefined) out.push(current);
      current = undefined;
      continue;
    } else if (c === '"') {
      quoted = !quoted;
      current ??= "";
      continue;
    }
    current = (current ?? "") + c;
  }
  if (current !== undefined) out.push(current);
  return out;
}

/** The inverse of {@link splitNodeOptions}. */
export function joinNodeOptions(args: readonly string[]): string {
  return args
    .map((arg) => (/[\s"\\]/.test(arg) || arg === "" ? `"${arg.replace(/["\\]/g, "\\$&")}"` : arg))
    .join(" ");
}

function flagName(arg: string): string {
  const eq = arg.indexOf("=");
  return eq < 0 ? arg : arg.slice(0, eq);
}

/**
 * For an `--import` of tsx: a `data:` module that registers tsx's hooks through its API (from
 * the same package); `undefined` for any other module, or a tsx without that API (tsx < 4).
 */
export function tsxPreload(specifier: string, cwd: string): string | undefined {
  const found = findTsx(specifier, cwd);
  if (found === undefined) return undefined;
  const esm = apiUrl(found.root, "./esm/api");
  const cjs = found.entry === "esm+cjs" ? apiUrl(found.root, "./cjs/api") : null;
  if (esm === undefined || cjs === undefined) return undefined;
  let code = `import{register as esm}from${JSON.stringify(esm)};esm();`;
  if (cjs !== null) code += `import{register as cjs}from${JSON.stringify(cjs)};cjs();`;
  return `data:text/javascript,${encodeURIComponent(code)}`;
}

function findTsx(specifier: string, cwd: string): { root: string; entry: TsxEntry } | undefined {
  if (specifier === "tsx" || specifier === "tsx/esm") {
    // Resolved as Node resolves `--import`: from the working directory.
    let root: string;
    try {
      const require = createRequire(join(cwd, "noop.js"));
      root = dirname(require.resolve("tsx/package.json"));
    } catch {
      return undefined;
    }
    return { root, entry: specifier === "tsx" ? "esm+cjs" : "esm" };
  }
  // A path or URL into the tsx package: what the `tsx` command passes (`dist/loader.mjs`).
  let file: string;
  try {
    if (specifier.startsWith("file:")) file = fileURLToPath(specifier);
    else if (/^\.{0,2}[\\/]/.test(specifier)) file = resolvePath(cwd, specifier);
    else return undefined;
  } catch {
    return undefined;
  }
  const root = packageRoot(file);
  if (root === undefined || readPackage(root)?.name !== "tsx") return undefined;
  const inside = relative(root, file).split(sep).join("/");
  if (inside === "dist/loader.mjs") return { root, entry: "esm+cjs" };
  if (inside === "dist/esm/index.mjs") return { root, entry: "esm" };
  return undefined;
}

function packageRoot(file: string): string | undefined {
  for (let dir = dirname(file); ; ) {
    if (existsSync(join(dir, "package.json"))) return dir;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

interface PackageJson {
  readonly name?: unknown;
  readonly exports?: unknown;
}

function readPackage(root: string): PackageJson | undefined {
  try {
    return JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as PackageJson;
  } catch {
    return undefined;
  }
}

/** The file URL a subpath export of the package resolves to for `import`. */
function apiUrl(root: string, subpath: string): string | undefined {
  const exports = readPackage(root)?.exports;
  if (exports === null || typeof exports !== "object") return undefined;
  const target = conditional((exports as Record<string, unknown>)[subpath]);
  return target === undefined ? undefined : pathToFileURL(join(root, target)).href;
}

/** Picks an export target as `import()` in Node does: conditions `node`, `import`, `default`. */
function conditional(target: unknown): string | undefined {
  if (typeof target === "string") return target.startsWith("./") ? target : undefined;
  if (target === null || typeof target !== "object" || Array.isArray(target)) return undefined;
  for (const [condition, value] of Object.entries(target)) {
    if (condition !== "node" && condition !== "import" && condition !== "default") continue;
    const found = conditional(value);
    if (found !== undefined) return found;
  }
  return undefined;
}
