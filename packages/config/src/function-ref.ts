import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { resolve as resolveSpecifier } from "import-meta-resolve";
import { FunctionRefError } from "./errors.js";
import { decorateSyntaxError, sourceLocation } from "./source-location.js";
import type { WorkerFn } from "./types.js";

/** A reference split into its module specifier and export name. */
export interface ParsedFunctionRef {
  specifier: string;
  exportName: string;
}

/** A resolved reference: the function, its module URL and the export it came from. */
export interface ResolvedFunctionRef {
  fn: WorkerFn;
  url: string;
  exportName: string;
}

/**
 * Splits `"specifier#export"`; without a fragment the export is `default`. A leading `#` belongs
 * to the specifier (Node subpath imports: `"#app/workers#run"`).
 *
 * @throws FunctionRefError `ERR_INVALID_REFERENCE` for an empty specifier or export name.
 */
export function parseFunctionRef(ref: string): ParsedFunctionRef {
  const hash = ref.lastIndexOf("#");
  const split = hash > 0;
  const specifier = split ? ref.slice(0, hash) : ref;
  const exportName = split ? ref.slice(hash + 1) : "default";
  if (specifier.trim() === "" || specifier === "#" || exportName.trim() === "") {
    throw new FunctionRefError(
      "ERR_INVALID_REFERENCE",
      ref,
      `invalid function reference ${JSON.stringify(ref)}: write "specifier#export", e.g. "./workers.js#resize" (the default export when "#export" is left out).`,
    );
  }
  return { specifier, exportName };
}

const SCHEME = /^[A-Za-z][A-Za-z\d+.-]+:/;

/** A base URL from a URL, a URL string or a file path; the default is the working directory. */
export function toBaseUrl(base: string | URL | undefined): string {
  if (base === undefined) return pathToFileURL(`${process.cwd()}/`).href;
  if (base instanceof URL) return base.href;
  if (SCHEME.test(base)) return new URL(base).href;
  const href = pathToFileURL(base).href;
  return /[\\/]$/.test(base) && !href.endsWith("/") ? `${href}/` : href;
}

function describeExports(ns: Record<string, unknown>): string[] {
  return Object.keys(ns).sort();
}

/**
 * Resolves `"specifier#export"` relative to `baseUrl` (the definition file's URL or path, or a
 * directory URL ending in `/`) with Node's ESM resolution, imports the module and returns the
 * exported function.
 *
 * @throws FunctionRefError `ERR_INVALID_REFERENCE`, `ERR_MODULE_NOT_FOUND`, `ERR_MODULE_LOAD`,
 * `ERR_EXPORT_NOT_FOUND` (with `exports`), `ERR_NOT_A_FUNCTION`; the import error is the `cause`.
 * @example
 * const { fn, url, exportName } = await resolveFunctionRef("./workers.js#resize", import.meta.url);
 */
export async function resolveFunctionRef(
  ref: string,
  baseUrl?: string | URL,
): Promise<ResolvedFunctionRef> {
  const { specifier, exportName } = parseFunctionRef(ref);
  const base = toBaseUrl(baseUrl);
  let url: string;
  try {
    url = resolveSpecifier(specifier, base);
  } catch (cause) {
    throw new FunctionRefError(
      "ERR_MODULE_NOT_FOUND",
      ref,
      `cannot resolve module ${JSON.stringify(specifier)} from ${base}: ${(cause as Error).message}. Relative specifiers are relative to the definition file; packages must be installed.`,
      { cause },
    );
  }
  if (url.startsWith("file:") && !existsSync(fileURLToPath(url))) {
    throw new FunctionRefError(
      "ERR_MODULE_NOT_FOUND",
      ref,
      `module ${JSON.stringify(specifier)} not found: ${fileURLToPath(url)} does not exist. Relative specifiers are relative to the definition file (${base}).`,
      {
        cause: Object.assign(new Error(`Cannot find module '${fileURLToPath(url)}'`), {
          code: "ERR_MODULE_NOT_FOUND",
        }),
      },
    );
  }
  let ns: Record<string, unknown>;
  try {
    ns = (await import(url)) as Record<string, unknown>;
  } catch (cause) {
    decorateSyntaxError(cause);
    const stack = cause instanceof Error ? cause.stack : undefined;
    const at = typeof stack === "string" ? sourceLocation(stack) : undefined;
    const where =
      at === undefined
        ? ""
        : ` at ${at.file}:${at.line}${at.column === undefined ? "" : `:${at.column}`}`;
    throw new FunctionRefError(
      "ERR_MODULE_LOAD",
      ref,
      `module ${url} failed to load${where}: ${cause instanceof Error ? cause.message : String(cause)}. Fix the module (the error is the cause).`,
      { cause, ...(at === undefined ? {} : { location: at }) },
    );
  }
  if (!Object.hasOwn(ns, exportName) && !(exportName in ns)) {
    const exports = describeExports(ns);
    throw new FunctionRefError(
      "ERR_EXPORT_NOT_FOUND",
      ref,
      `module ${url} has no export ${JSON.stringify(exportName)}; its exports are: ${exports.length === 0 ? "(none)" : exports.join(", ")}. ${exportName === "default" ? 'Add "#name" to the reference to pick a named export.' : "Fix the name after #."}`,
      { exports },
    );
  }
  const fn = ns[exportName];
  if (typeof fn !== "function") {
    const exports = describeExports(ns).filter((k) => typeof ns[k] === "function");
    throw new FunctionRefError(
      "ERR_NOT_A_FUNCTION",
      ref,
      `export ${JSON.stringify(exportName)} of ${url} is ${fn === null ? "null" : typeof fn}, not a function. Function exports: ${exports.length === 0 ? "(none)" : exports.join(", ")}.`,
      { exports },
    );
  }
  return { fn: fn as WorkerFn, url, exportName };
}
