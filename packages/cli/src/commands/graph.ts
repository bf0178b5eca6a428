import { topology } from "@workers/dashboard";
import { checkDefinitionFile } from "../definition-file.js";
import { ExitCode } from "../errors.js";
import { formatGraph, type GraphFormat } from "../graph/render.js";
import type { ResolvedIO } from "../io.js";
import { formatIssue } from "../issues.js";

/** `workers graph <file> [--format mermaid|dot]`: the graph on stdout, issues on stderr. */
export async function graphCommand(
  file: string,
  format: GraphFormat,
  io: ResolvedIO,
): Promise<ExitCode> {
  const check = await checkDefinitionFile(file, io.cwd);
  if (check.definition === undefined) {
    for (const issue of check.errors) io.err(formatIssue("error", check.file, issue, io.cwd));
    return ExitCode.invalid;
  }
  io.stdout.write(formatGraph(topology(check.definition), format));
  return ExitCode.ok;
}
