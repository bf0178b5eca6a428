import type { NormalizedDefinition } from "@workers/config";
import { checkDefinitionFile } from "../definition-file.js";
import type { ResolvedIO } from "../io.js";
import { formatIssue } from "../issues.js";

/**
 * The definition in `file` for a command that needs one (`graph`, `run`): its absolute path
 * and the normalized definition, or `undefined` once its errors are printed on stderr.
 */
export async function runnableDefinition(
  file: string,
  io: ResolvedIO,
): Promise<{ file: string; definition: NormalizedDefinition } | undefined> {
  const check = await checkDefinitionFile(file, io.cwd);
  if (check.definition === undefined) {
    for (const issue of check.errors) io.err(formatIssue("error", check.file, issue, io.cwd));
    return undefined;
  }
  return { file: check.file, definition: check.definition };
}
