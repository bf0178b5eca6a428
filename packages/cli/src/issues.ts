import { relative, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { type ConfigIssue, formatPath } from "@workers/config";
import { isTypeScriptImportIssue } from "./definition-file.js";

const TSX_HINT =
  " Node cannot import TypeScript here: install tsx next to the definition (npm i -D tsx), or run the command as node --import tsx.";

/** A message with the working directory's absolute paths and file URLs made relative. */
export function relativeMessage(message: string, cwd: string): string {
  const dir = cwd.endsWith(sep) ? cwd : `${cwd}${sep}`;
  return message.split(pathToFileURL(dir).href).join("").split(dir).join("");
}

/**
 * One issue as a compiler-style line that editors and CI annotate:
 * `file:line:column: error: path: message [code]` (`file: error: ...` without a position).
 */
export function formatIssue(
  severity: "error" | "warning",
  file: string,
  issue: ConfigIssue,
  cwd: string,
): string {
  const shown = relative(cwd, file) || file;
  const where = issue.line === undefined ? shown : `${shown}:${issue.line}:${issue.column ?? 1}`;
  const hint = isTypeScriptImportIssue(issue) ? TSX_HINT : "";
  const message = relativeMessage(issue.message, cwd);
  return `${where}: ${severity}: ${formatPath(issue.path)}: ${message}${hint} [${issue.code}]`;
}

/** An issue as plain JSON (for `--format json`). */
export function issueJson(issue: ConfigIssue): Record<string, unknown> {
  return {
    path: issue.path,
    at: formatPath(issue.path),
    ...(issue.line === undefined ? {} : { line: issue.line, column: issue.column ?? 1 }),
    code: issue.code,
    message: issue.message,
  };
}

/** "1 error", "2 warnings". */
export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;
