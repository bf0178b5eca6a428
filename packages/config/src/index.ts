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
export { IssueCode } from "./issue-codes.js";
export { loadDefinition } from "./load.js";
export { hasNormalizedShape } from "./normalized-shape.js";
export type {
  BatchInput,
  BufferType,
  ChannelInput,
  ChannelName,
  CommandWorkerInput,
  ConfigIssue,
  Dispatch,
  ExposedWorkerName,
  MessageOf,
  NormalizedChannel,
  NormalizedDefinition,
  NormalizedWorker,
  PutMode,
  ResultOf,
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
