/** Where the command writes, and what it reads from its environment. */
export interface CliIO {
  /** @default process.stdout */
  readonly stdout?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** @default process.stderr */
  readonly stderr?: NodeJS.WritableStream;
  /** What relative file arguments resolve against. @default process.cwd() */
  readonly cwd?: string;
  /**
   * `run` stops gracefully when this aborts, as on SIGINT/SIGTERM (which it also listens to
   * unless `signals` is false).
   */
  readonly signal?: AbortSignal;
  /** Whether `run` listens to SIGINT and SIGTERM. @default true */
  readonly signals?: boolean;
}

/** {@link CliIO} with the defaults filled in. */
export interface ResolvedIO {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly stderr: NodeJS.WritableStream;
  readonly cwd: string;
  readonly signal: AbortSignal | undefined;
  readonly signals: boolean;
  out(line?: string): void;
  err(line?: string): void;
}

export function resolveIO(io: CliIO = {}): ResolvedIO {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  return {
    stdout,
    stderr,
    cwd: io.cwd ?? process.cwd(),
    signal: io.signal,
    signals: io.signals ?? true,
    out: (line = "") => void stdout.write(`${line}\n`),
    err: (line = "") => void stderr.write(`${line}\n`),
  };
}
