import { readFile } from "node:fs/promises";
import { ExitCode } from "../errors.js";
import type { ResolvedIO } from "../io.js";

/** `workers schema`: the JSON Schema that @workers/config ships (`@workers/config/schema.json`). */
export async function schemaCommand(io: ResolvedIO): Promise<ExitCode> {
  const url = new URL(import.meta.resolve("@workers/config/schema.json"));
  io.stdout.write(await readFile(url, "utf8"));
  return ExitCode.ok;
}
