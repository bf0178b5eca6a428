export { type AltDefault, type AltOp, type AltResult, type AltsOptions, alts } from "./alts.js";
export { chan } from "./channel.js";
export {
  ChannelError,
  type ChannelErrorCode,
  ClosedError,
  InvalidArgumentError,
  InvalidBufferError,
  PendingLimitError,
  UndefinedValueError,
} from "./errors.js";
export { type PromiseChanOptions, promiseChan } from "./promise-chan.js";
export { putWith } from "./put-with.js";
export { timeout } from "./timeout.js";
export type {
  AbortSignalLike,
  BufferType,
  Channel,
  ChanOptions,
  DropReason,
  OperationOptions,
  PutMode,
} from "./types.js";
