import { topology } from "@workers/dashboard";
import { ExitCode } from "../errors.js";
import { formatGraph, type GraphFormat } from "../graph/render.js";
import type { ResolvedIO } from "../io.js";
import { runnableDefinition } from "./runnable.js";

/** `workers graph <file> [--format mermaid|dot]`: the graph on stdout, issues on stderr. */
export async function graphCommand(
  file: string,
  format: GraphFormat,
  io: ResolvedIO,
): Promise<ExitCode> {
  const check = await runnableDefinition(file, io);
  if (check === undefined) return ExitCode.invalid;
  io.stdout.write(formatGraph(topology(check.definition), format));
  return ExitCode.ok;
}
