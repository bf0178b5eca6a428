export { backoffDelay } from "./backoff.js";
export { defineWorkers } from "./define.js";
export {
  ConfigError,
  type ConfigErrorCode,
  FunctionRefError,
  type FunctionRefErrorCode,
  WorkersConfigError,
} from "./errors.js";
export {
  type ParsedFunctionRef,
  parseFunctionRef,
  type ResolvedFunctionRef,
  resolveFunctionRef,
} from "./function-ref.js";
export { formatPath } from "./internal/path.js";
export { IssueCode } from "./issue-codes.js";
export { loadDefinition } from "./load.js";
export { hasNormalizedShape } from "./normalized-shape.js";
export type {
  BackoffInput,
  BackoffSchedule,
  BatchInput,
  BufferType,
  ChannelInput,
  ChannelName,
  CommandWorkerInput,
  ConfigIssue,
  Dispatch,
  ExponentialBackoff,
  ExponentialBackoffInput,
  ExposedWorkerName,
  MessageOf,
  NormalizedChannel,
  NormalizedDefinition,
  NormalizedRateLimit,
  NormalizedRetry,
  NormalizedWorker,
  PutMode,
  RateLimitInput,
  ResultOf,
  RetryInput,
  TickerWorkerInput,
  ValidateOptions,
  ValidationResult,
  WorkerFn,
  WorkerFnRef,
  WorkerInput,
  WorkerKind,
  WorkersDefinitionInput,
} from "./types.js";
export { isNormalizedDefinition, parseDefinition, validateDefinition } from "./validate.js";
