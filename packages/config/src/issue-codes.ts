/**
 * Stable codes of definition issues (`ConfigIssue.code`). Errors stop validation; warnings
 * (`unused-channel`, `ticker-without-target`) are returned beside a valid definition.
 */
export const IssueCode = {
  /** The value has the wrong type. */
  invalidType: "invalid-type",
  /** A required key is missing. */
  required: "required",
  /** A key that does not exist here (a typo, or a key of another section). */
  unknownKey: "unknown-key",
  /** The same key written twice (camelCase and kebab-case, or `name` and `:name`). */
  duplicateKey: "duplicate-key",
  /** A value outside the allowed set (`bufferType`, `putMode`, `kind`, `dispatch`). */
  invalidValue: "invalid-value",
  /** A number out of range (negative buffer, concurrency 0, a delay over 2147483647 ms, ...). */
  outOfRange: "out-of-range",
  /** A channel or worker name that cannot be used (empty, `__proto__`). */
  invalidName: "invalid-name",
  /** `in`, `outputChan`, `failChan` or `out` names a channel missing from `channels`. */
  undeclaredChannel: "undeclared-channel",
  /** `expose: true` on a ticker. */
  exposeOnTicker: "expose-on-ticker",
  /**
   * A command-worker key on a ticker (`in`, `concurrency` > 1, `batch`, `retry`, `timeoutMs`,
   * `rateLimit`).
   */
  commandOnlyKey: "command-only-key",
  /** A ticker key on a command worker (`intervalMs`, `initialDelayMs`, `out`). */
  tickerOnlyKey: "ticker-only-key",
  /** A dropping or sliding buffer of size 0. */
  zeroSizeBuffer: "zero-size-buffer",
  /** `dispatch: "thread"` with an inline function (or none): threads need a reference. */
  threadNeedsReference: "thread-needs-reference",
  /** `batch` on a worker that does not run on threads. */
  batchNeedsThread: "batch-needs-thread",
  /** A malformed `"specifier#export"` reference. */
  invalidReference: "invalid-reference",
  /** The referenced module cannot be resolved or does not exist. */
  moduleNotFound: "module-not-found",
  /** The referenced module threw while loading. */
  moduleLoadFailed: "module-load-failed",
  /** The module has no such export (the message lists those it has). */
  exportNotFound: "export-not-found",
  /** The export is not a function. */
  notAFunction: "not-a-function",
  /** `loadDefinition`: the file cannot be read. */
  fileUnreadable: "file-unreadable",
  /** `loadDefinition`: an extension other than .json, .yaml, .yml, .js, .mjs, .cjs, .ts, .mts. */
  unsupportedFile: "unsupported-file",
  /** `loadDefinition`: the file is not valid JSON or YAML. */
  syntaxError: "syntax-error",
  /** Warning: a channel no worker reads or writes. */
  unusedChannel: "unused-channel",
  /** Warning: a ticker with neither `workerFn` nor `out` does nothing. */
  tickerWithoutTarget: "ticker-without-target",
  /** Validation itself failed unexpectedly (a throwing getter in the input, ...). */
  internal: "internal",
} as const;

/** One of the `IssueCode` values. */
export type IssueCode = (typeof IssueCode)[keyof typeof IssueCode];
