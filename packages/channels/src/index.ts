export { type AltDefault, type AltOp, type AltResult, type AltsOptions, alts } from "./alts.js";
export { type BufferSpec, dropping, fixed, sliding } from "./buffers.js";
export { chan } from "./chan.js";
export {
  ArgumentRangeError,
  ChannelError,
  type ChannelErrorCode,
  ClosedError,
  InvalidArgumentError,
  InvalidBufferError,
  PendingLimitError,
  ThenableValueError,
  UndefinedValueError,
} from "./errors.js";
export { mapPuts } from "./map-puts.js";
export { merge } from "./merge.js";
export { type Mult, mult, tap, untap, untapAll } from "./mult.js";
export { type OntoOptions, onto, toChan } from "./onto.js";
export { type PipeOptions, pipe } from "./pipe.js";
export { type PipelineOptions, pipeline } from "./pipeline.js";
export { type PromiseChanOptions, promiseChan } from "./promise-chan.js";
export { type Pub, pub, sub, unsub, unsubAll } from "./pub.js";
export { putWith } from "./put-with.js";
export { reduce, toArray } from "./reduce.js";
export { split } from "./split.js";
export { timeout } from "./timeout.js";
export type {
  AbortSignalLike,
  BufferType,
  Channel,
  ChanOptions,
  CombinatorOptions,
  DropReason,
  OperationOptions,
  PutMode,
} from "./types.js";
