export { runCli } from "./cli.js";
export { CliError, type CliErrorCode, ExitCode } from "./errors.js";
export { formatGraph, type GraphFormat, toDot, toMermaid } from "./graph/render.js";
export type { CliIO } from "./io.js";
export { type WorkersApi, type WorkersApiOptions, workersApi } from "./run/http-api.js";
