import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parse as parseYaml } from "yaml";
import { ConfigError } from "./errors.js";
import { locateIssues } from "./internal/locate.js";
import type { ConfigIssue, NormalizedDefinition } from "./types.js";
import { validateDefinition } from "./validate.js";

const SCHEME = /^[A-Za-z][A-Za-z\d+.-]+:/;
const MODULE_EXTENSIONS = new Set([".js", ".mjs", ".cjs", ".ts", ".mts"]);

function fail(file: string, issue: ConfigIssue): never {
  throw new ConfigError([issue], { file });
}

async function readText(url: URL, file: string): Promise<string> {
  try {
    return await readFile(url, "utf8");
  } catch (cause) {
    return fail(file, {
      path: [],
      code: "file-unreadable",
      message: `cannot read ${file}: ${(cause as Error).message}.`,
      cause,
    });
  }
}

function parseText(text: string, ext: string, file: string): unknown {
  try {
    return ext === ".json" ? JSON.parse(text) : parseYaml(text, { prettyErrors: true });
  } catch (cause) {
    return fail(file, {
      path: [],
      code: "syntax-error",
      message: `${file} is not valid ${ext === ".json" ? "JSON" : "YAML"}: ${(cause as Error).message}`,
      cause,
    });
  }
}

async function importDefinition(url: URL, file: string): Promise<unknown> {
  let ns: Record<string, unknown>;
  try {
    ns = (await import(url.href)) as Record<string, unknown>;
  } catch (cause) {
    const missing = (cause as { code?: unknown }).code === "ERR_MODULE_NOT_FOUND";
    return fail(file, {
      path: [],
      code: missing ? "file-unreadable" : "module-load-failed",
      message: `cannot import ${file}: ${(cause as Error).message}.`,
      cause,
    });
  }
  if (ns.default !== undefined) return ns.default;
  if (ns.definition !== undefined) return ns.definition;
  return fail(file, {
    path: [],
    code: "export-not-found",
    message: `${file} exports no definition. Export it as default (export default defineWorkers({ ... })) or as "definition". Its exports are: ${Object.keys(ns).sort().join(", ") || "(none)"}.`,
  });
}

/**
 * Reads, validates and normalizes a definition file: `.json`, `.yaml`/`.yml` (kebab-case keys
 * and `:keyword` names accepted) or a module (`.js`, `.mjs`, `.cjs`, and `.ts`/`.mts` where the
 * runtime can import TypeScript) whose default export (or `definition` export) is the
 * definition. Function references resolve relative to the file.
 *
 * @throws ConfigError `ERR_CONFIG` with every issue; `file` names the file. File problems are
 * issues too: `file-unreadable`, `unsupported-file`, `syntax-error`, `module-load-failed`.
 * @example
 * const definition = await loadDefinition(new URL("./workers.yaml", import.meta.url));
 */
export async function loadDefinition(file: string | URL): Promise<NormalizedDefinition> {
  const url = file instanceof URL ? file : SCHEME.test(file) ? new URL(file) : pathToFileURL(file);
  const shown = url.protocol === "file:" ? fileURLToPath(url) : url.href;
  const ext = extname(url.pathname).toLowerCase();
  let input: unknown;
  let text: string | undefined;
  if (ext === ".json" || ext === ".yaml" || ext === ".yml") {
    text = await readText(url, shown);
    input = parseText(text, ext, shown);
  } else if (MODULE_EXTENSIONS.has(ext)) {
    input = await importDefinition(url, shown);
  } else {
    return fail(shown, {
      path: [],
      code: "unsupported-file",
      message: `cannot load ${JSON.stringify(ext || shown)} files. Use .json, .yaml, .yml, .js, .mjs or .cjs (.ts and .mts where TypeScript can be imported).`,
    });
  }
  const result = await validateDefinition(input, { baseUrl: url });
  if (!result.ok) {
    const issues = text === undefined ? result.issues : locateIssues(text, result.issues);
    throw new ConfigError(issues, { file: shown });
  }
  return result.definition;
}
