// Loading a definition file for the commands: @workers/config's loadDefinition (every issue,
// with lines for JSON and YAML), TypeScript definitions through the project's own tsx when Node
// cannot import .ts itself, and the warnings loadDefinition does not return.
import { readFile } from "node:fs/promises";
import { extname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import {
  ConfigError,
  type ConfigIssue,
  loadDefinition,
  type NormalizedDefinition,
  validateDefinition,
} from "@workers/config";
import { resolve as resolveSpecifier } from "import-meta-resolve";
import { isMap, isScalar, LineCounter, parseDocument } from "yaml";

/** What checking a definition file found. */
export interface DefinitionCheck {
  /** The absolute path of the file. */
  readonly file: string;
  /** The normalized definition, when it has no errors. */
  readonly definition: NormalizedDefinition | undefined;
  /** Errors: the definition cannot run. Each with `line`/`column` in JSON and YAML files. */
  readonly errors: readonly ConfigIssue[];
  /** Warnings (`unused-channel`, ...): it runs, but something looks wrong. */
  readonly warnings: readonly ConfigIssue[];
}

let tsxRegistered = false;

const causeCode = (issue: ConfigIssue): unknown =>
  (issue.cause as { code?: unknown } | undefined)?.code;

/**
 * Node (before type stripping) cannot import `.ts`. When a definition or a module it references
 * fails for that reason, register the project's own tsx (resolved next to the file, then from
 * the working directory) and try again; without tsx, the issue keeps the import error and the
 * printed hint says what to install.
 */
async function registerTsx(fileUrl: URL, cwd: string): Promise<boolean> {
  if (tsxRegistered) return false;
  for (const parent of [fileUrl.href, pathToFileURL(`${cwd}/`).href]) {
    let api: string;
    try {
      api = resolveSpecifier("tsx/esm/api", parent);
    } catch {
      continue;
    }
    const { register } = (await import(api)) as { register: () => unknown };
    register();
    tsxRegistered = true;
    return true;
  }
  return false;
}

/** Whether an issue comes from Node refusing to import a TypeScript file. */
export const isTypeScriptImportIssue = (issue: ConfigIssue): boolean =>
  causeCode(issue) === "ERR_UNKNOWN_FILE_EXTENSION" ||
  /Unknown file extension "\.[mc]?ts"/.test(issue.message);

async function load(url: URL, cwd: string): Promise<NormalizedDefinition> {
  try {
    return await loadDefinition(url);
  } catch (error) {
    if (!(error instanceof ConfigError) || !error.issues.some(isTypeScriptImportIssue)) throw error;
    if (!(await registerTsx(url, cwd))) throw error;
    // A failed import stays cached under its URL: ask again under a fresh one.
    const retry = new URL(url);
    retry.searchParams.set("workers-tsx", "1");
    return await loadDefinition(retry);
  }
}

/** The 1-based line and column of the key at `path` (or its nearest parent) in a JSON/YAML text. */
function locator(text: string): (path: readonly (string | number)[]) =>
  | {
      line: number;
      column: number;
    }
  | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false });
  return (path) => {
    for (let depth = path.length; depth > 0; depth--) {
      const parent = doc.getIn(path.slice(0, depth - 1), true);
      if (!isMap(parent)) continue;
      const key = String(path[depth - 1]);
      const pair = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
      if (pair !== undefined && isScalar(pair.key) && pair.key.range) {
        const { line, col } = lineCounter.linePos(pair.key.range[0]);
        return { line, column: col };
      }
    }
    return undefined;
  };
}

/**
 * The warnings of a definition that loaded: validated again from the raw file (modules are
 * cached, so nothing is imported twice), with lines for JSON and YAML.
 */
async function warningsOf(url: URL, ext: string): Promise<ConfigIssue[]> {
  let raw: unknown;
  let text: string | undefined;
  if (ext === ".json" || ext === ".yaml" || ext === ".yml") {
    text = await readFile(url, "utf8");
    raw = ext === ".json" ? JSON.parse(text) : parseDocument(text).toJS();
  } else {
    const ns = (await import(url.href)) as { default?: unknown; definition?: unknown };
    raw = ns.default ?? ns.definition;
  }
  const result = await validateDefinition(raw, { baseUrl: url });
  if (!result.ok) return [];
  if (text === undefined) return result.warnings;
  const at = locator(text);
  return byPosition(result.warnings.map((w) => ({ ...w, ...at(w.path) })));
}

/**
 * Loads and checks a definition file: every error (with line and column in JSON and YAML
 * files) and, when it has none, its warnings.
 * @throws only what is not a definition problem (an internal error).
 */
export async function checkDefinitionFile(file: string, cwd: string): Promise<DefinitionCheck> {
  const path = resolve(cwd, file);
  const url = pathToFileURL(path);
  const ext = extname(path).toLowerCase();
  try {
    const definition = await load(url, cwd);
    let warnings: ConfigIssue[] = [];
    try {
      warnings = await warningsOf(url, ext);
    } catch {
      // Warnings are advice: a file that loaded once is not failed for them.
    }
    return { file: path, definition, errors: [], warnings };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const errors = await Promise.all(error.issues.map((i) => locateSyntaxError(i, url)));
    return { file: path, definition: undefined, errors: byPosition(errors), warnings: [] };
  }
}

/** Issues in file order (those without a position, about the whole file, first). */
function byPosition(issues: ConfigIssue[]): ConfigIssue[] {
  return issues
    .map((issue, index) => ({ issue, index }))
    .sort(
      (a, b) =>
        (a.issue.line ?? 0) - (b.issue.line ?? 0) ||
        (a.issue.column ?? 0) - (b.issue.column ?? 0) ||
        a.index - b.index,
    )
    .map((x) => x.issue);
}

/** The position of a `syntax-error`, from the parser's error (YAML) or its message (JSON). */
async function locateSyntaxError(issue: ConfigIssue, url: URL): Promise<ConfigIssue> {
  if (issue.code !== "syntax-error" || issue.line !== undefined) return issue;
  const cause = issue.cause as { linePos?: { line: number; col: number }[]; message?: unknown };
  const yamlPos = cause?.linePos?.[0];
  if (yamlPos !== undefined) return { ...issue, line: yamlPos.line, column: yamlPos.col };
  const message = typeof cause?.message === "string" ? cause.message : "";
  const lineCol = /line (\d+) column (\d+)/.exec(message);
  if (lineCol) return { ...issue, line: Number(lineCol[1]), column: Number(lineCol[2]) };
  const position = /position (\d+)/.exec(message);
  if (position === null) return issue;
  try {
    const before = (await readFile(url, "utf8")).slice(0, Number(position[1]));
    const lines = before.split("\n");
    return { ...issue, line: lines.length, column: lines.at(-1)!.length + 1 };
  } catch {
    return issue;
  }
}
