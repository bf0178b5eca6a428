import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { graphCommand } from "./commands/graph.js";
import { runCommand } from "./commands/run.js";
import { schemaCommand } from "./commands/schema.js";
import { validateCommand } from "./commands/validate.js";
import { CliError, ExitCode } from "./errors.js";
import { type CliIO, type ResolvedIO, resolveIO } from "./io.js";

const USAGE = `usage: workers <command> [options]

commands:
  validate <file> [--format text|json]
      check a definition (.json, .yaml, .yml, .js, .mjs, .ts): every issue with its path,
      line and hint; exit 1 if there are errors
  graph <file> [--format mermaid|dot]
      the topology as a Mermaid flowchart (default) or a Graphviz DOT graph
  schema
      the JSON Schema of a definition, for "$schema" in editors
  run <file> [--port 9464] [--host 127.0.0.1] [--stop-timeout 30000] [--request-timeout 30000]
      start the system, serve its dashboard and POST /command/<worker>, /request/<worker>;
      Ctrl-C (SIGINT) or SIGTERM stops it gracefully

options:
  -h, --help     this help
  -v, --version  the version

exit codes: 0 ok, 1 invalid definition, 2 usage, 3 cannot start, 130 interrupted twice`;

const COMMANDS = ["validate", "graph", "schema", "run"] as const;
type Command = (typeof COMMANDS)[number];

type OptionSpec = Record<string, { type: "string" | "boolean"; short?: string }>;

const OPTIONS: Record<Command, OptionSpec> = {
  validate: { format: { type: "string" } },
  graph: { format: { type: "string" } },
  schema: {},
  run: {
    port: { type: "string" },
    host: { type: "string" },
    "stop-timeout": { type: "string" },
    "request-timeout": { type: "string" },
  },
};

const usage = (message: string): CliError => new CliError("ERR_USAGE", message);

function integer(
  name: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isInteger(n) || n < min || n > max) {
    throw usage(`--${name}: expected an integer in ${min}..${max}, got ${JSON.stringify(raw)}`);
  }
  return n;
}

function oneOf<T extends string>(name: string, raw: string | undefined, allowed: readonly T[]): T {
  if (raw === undefined) return allowed[0]!;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw usage(`--${name}: expected ${allowed.join(" or ")}, got ${JSON.stringify(raw)}`);
  }
  return raw as T;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

async function dispatch(argv: readonly string[], io: ResolvedIO): Promise<ExitCode> {
  const [first, ...rest] = argv;
  if (first === undefined || first === "-h" || first === "--help" || first === "help") {
    (first === undefined ? io.err : io.out)(USAGE);
    return first === undefined ? ExitCode.usage : ExitCode.ok;
  }
  if (first === "-v" || first === "--version") {
    io.out(version());
    return ExitCode.ok;
  }
  if (!(COMMANDS as readonly string[]).includes(first)) {
    throw usage(`unknown command ${JSON.stringify(first)}; expected one of ${COMMANDS.join(", ")}`);
  }
  const command = first as Command;
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...rest],
      options: { ...OPTIONS[command], help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    }) as typeof parsed;
  } catch (error) {
    throw usage(`${command}: ${(error as Error).message}`);
  }
  const { values, positionals } = parsed;
  if (values.help === true) {
    io.out(USAGE);
    return ExitCode.ok;
  }
  const wanted = command === "schema" ? 0 : 1;
  if (positionals.length !== wanted) {
    throw usage(
      wanted === 0
        ? `schema takes no file, got ${positionals.map((p) => JSON.stringify(p)).join(" ")}`
        : `${command} takes one definition file, got ${positionals.length === 0 ? "none" : positionals.map((p) => JSON.stringify(p)).join(" ")}`,
    );
  }
  const file = positionals[0]!;
  const str = (key: string): string | undefined => values[key] as string | undefined;
  switch (command) {
    case "validate":
      return validateCommand(file, oneOf("format", str("format"), ["text", "json"]), io);
    case "graph":
      return graphCommand(file, oneOf("format", str("format"), ["mermaid", "dot"]), io);
    case "schema":
      return schemaCommand(io);
    case "run":
      return runCommand(
        file,
        {
          port: integer("port", str("port"), 9464, 0, 65535),
          host: str("host") ?? "127.0.0.1",
          stopTimeoutMs: integer("stop-timeout", str("stop-timeout"), 30_000, 1, 2 ** 31 - 1),
          requestTimeoutMs: integer(
            "request-timeout",
            str("request-timeout"),
            30_000,
            1,
            2 ** 31 - 1,
          ),
        },
        io,
      );
  }
}

/**
 * Runs the `workers` command with `argv` (the arguments after the command name) and resolves
 * to its exit code; what the bin does with `process.argv.slice(2)`. Failures are printed as
 * `workers: <message> [<code>]` on stderr; `run` resolves once the system has stopped.
 *
 * @example
 * const code = await runCli(["validate", "workers.yaml"]);
 * process.exitCode = code;
 */
export async function runCli(argv: readonly string[], cliIO?: CliIO): Promise<ExitCode> {
  const io = resolveIO(cliIO);
  try {
    return await dispatch(argv, io);
  } catch (error) {
    if (error instanceof CliError) {
      io.err(`workers: ${error.message} [${error.code}]`);
      if (error.code === "ERR_USAGE") io.err("Run workers --help for usage.");
      return error.exitCode;
    }
    throw error;
  }
}
