import { relative } from "node:path";
import { checkDefinitionFile } from "../definition-file.js";
import { ExitCode } from "../errors.js";
import type { ResolvedIO } from "../io.js";
import { formatIssue, issueJson, plural } from "../issues.js";

/** `workers validate <file> [--format text|json]`. */
export async function validateCommand(
  file: string,
  format: "text" | "json",
  io: ResolvedIO,
): Promise<ExitCode> {
  const check = await checkDefinitionFile(file, io.cwd);
  const ok = check.errors.length === 0;
  if (format === "json") {
    io.out(
      JSON.stringify(
        {
          file: check.file,
          valid: ok,
          errors: check.errors.map(issueJson),
          warnings: check.warnings.map(issueJson),
        },
        null,
        2,
      ),
    );
    return ok ? ExitCode.ok : ExitCode.invalid;
  }
  for (const issue of check.errors) io.err(formatIssue("error", check.file, issue, io.cwd));
  for (const issue of check.warnings) io.err(formatIssue("warning", check.file, issue, io.cwd));
  const shown = relative(io.cwd, check.file) || check.file;
  if (!ok) {
    const warnings =
      check.warnings.length > 0 ? `, ${plural(check.warnings.length, "warning")}` : "";
    io.err(`${shown}: invalid (${plural(check.errors.length, "error")}${warnings})`);
    return ExitCode.invalid;
  }
  const d = check.definition!;
  const warnings = check.warnings.length > 0 ? `, ${plural(check.warnings.length, "warning")}` : "";
  io.out(
    `${shown}: valid (${plural(Object.keys(d.channels).length, "channel")}, ${plural(Object.keys(d.workers).length, "worker")}${warnings})`,
  );
  return ExitCode.ok;
}
