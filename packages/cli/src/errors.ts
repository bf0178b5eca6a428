/**
 * The exit codes of the `workers` command; stable.
 * - `ok` 0: done (for `run`: stopped gracefully on SIGINT/SIGTERM);
 * - `invalid` 1: the definition has errors (or could not be read);
 * - `usage` 2: unknown command, unknown or malformed option, missing file argument;
 * - `startFailed` 3: `run` could not start the system or listen on its port;
 * - `interrupted` 130: `run` got a second SIGINT/SIGTERM while stopping and gave up waiting.
 */
export const ExitCode = {
  ok: 0,
  invalid: 1,
  usage: 2,
  startFailed: 3,
  interrupted: 130,
} as const;

/** One of {@link ExitCode}'s values. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Stable codes of {@link CliError}. */
export type CliErrorCode = "ERR_USAGE" | "ERR_INVALID_DEFINITION" | "ERR_START" | "ERR_LISTEN";

const EXIT_OF: Record<CliErrorCode, ExitCode> = {
  ERR_USAGE: ExitCode.usage,
  ERR_INVALID_DEFINITION: ExitCode.invalid,
  ERR_START: ExitCode.startFailed,
  ERR_LISTEN: ExitCode.startFailed,
};

/**
 * A failure the command reports as `workers: <message> [<code>]` before exiting with
 * `exitCode`. `code` is stable, the message is not.
 */
export class CliError extends Error {
  /** Stable, machine-readable code. */
  readonly code: CliErrorCode;
  /** The process exit code this failure ends with. */
  readonly exitCode: ExitCode;

  constructor(code: CliErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CliError";
    this.code = code;
    this.exitCode = EXIT_OF[code];
  }
}

/**
 * A call to `workersApi` that cannot be served (bad body, too large, bad `timeoutMs`): answered
 * with `status` and `{"error": {"name": "HttpError", "code", "message"}}`. Not exported.
 */
export class HttpError extends Error {
  readonly status: number;
  readonly code: "ERR_BAD_REQUEST" | "ERR_BODY_TOO_LARGE";

  constructor(status: number, code: HttpError["code"], message: string) {
    super(message);
    this.name = "HttpError";
    this.status = status;
    this.code = code;
  }
}
