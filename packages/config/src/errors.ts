import { formatPath } from "./internal/path.js";
import type { SourceLocation } from "./source-location.js";
import type { ConfigIssue } from "./types.js";

/** Stable codes of the errors this package throws. */
export type ConfigErrorCode =
  | "ERR_CONFIG"
  | "ERR_INVALID_REFERENCE"
  | "ERR_MODULE_NOT_FOUND"
  | "ERR_MODULE_LOAD"
  | "ERR_EXPORT_NOT_FOUND"
  | "ERR_NOT_A_FUNCTION"
  | "ERR_INVALID_ARGUMENT";

/** Base class of this package's errors. */
export class WorkersConfigError extends Error {
  /** Stable identifier; tests and callers match on it, never on the message. */
  readonly code: ConfigErrorCode;

  constructor(code: ConfigErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "WorkersConfigError";
    this.code = code;
  }
}

/**
 * An invalid definition (or one that could not be read). `issues` holds every problem found,
 * each with its path, code and a fix hint; the message lists them all as `path: message`.
 */
export class ConfigError extends WorkersConfigError {
  override readonly code: "ERR_CONFIG" = "ERR_CONFIG";
  readonly issues: ConfigIssue[];
  /** The file the definition came from (`loadDefinition`). */
  readonly file: string | undefined;

  constructor(issues: ConfigIssue[], options?: { file?: string; cause?: unknown }) {
    const where = options?.file === undefined ? "" : ` in ${options.file}`;
    const head = `Invalid workers definition${where} (${issues.length} ${issues.length === 1 ? "issue" : "issues"}):`;
    const lines = issues.map((i) => {
      const at = i.line === undefined ? "" : ` (line ${i.line}, column ${i.column ?? 1})`;
      return `  ${formatPath(i.path)}${at}: ${i.message} [${i.code}]`;
    });
    const cause = options?.cause ?? issues.find((i) => i.cause !== undefined)?.cause;
    super("ERR_CONFIG", [head, ...lines].join("\n"), cause === undefined ? undefined : { cause });
    this.name = "ConfigError";
    this.issues = issues;
    this.file = options?.file;
  }
}

/** The code of a function-reference failure. */
export type FunctionRefErrorCode = Exclude<ConfigErrorCode, "ERR_CONFIG" | "ERR_INVALID_ARGUMENT">;

/**
 * A `"specifier#export"` reference that cannot be used: malformed (`ERR_INVALID_REFERENCE`),
 * module not found (`ERR_MODULE_NOT_FOUND`), module failing to load (`ERR_MODULE_LOAD`), missing
 * export (`ERR_EXPORT_NOT_FOUND`, `exports` lists those that exist) or an export that is not a
 * function (`ERR_NOT_A_FUNCTION`). The import error is the `cause`.
 */
export class FunctionRefError extends WorkersConfigError {
  declare readonly code: FunctionRefErrorCode;
  /** The reference as written. */
  readonly ref: string;
  /** The exports the module does have (export errors). */
  readonly exports: string[] | undefined;
  /** Where the module's syntax error is (`ERR_MODULE_LOAD` of a module that does not parse). */
  readonly location: SourceLocation | undefined;

  constructor(
    code: FunctionRefErrorCode,
    ref: string,
    message: string,
    options?: { cause?: unknown; exports?: string[]; location?: SourceLocation },
  ) {
    super(code, message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "FunctionRefError";
    this.ref = ref;
    this.exports = options?.exports;
    this.location = options?.location;
  }
}
