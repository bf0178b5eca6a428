export {
  decodeThrown as decodeError,
  encodeThrown as encodeError,
} from "./dispatch/thread/error-codec.js";
export { transfer } from "./dispatch/thread/transfer.js";
export type { ThreadChannel, ThreadWorkerContext } from "./dispatch/thread/types.js";
export {
  DroppedError,
  InvalidArgumentError,
  InvalidMessageError,
  NotExposedError,
  StartError,
  StoppedError,
  ThreadClosedError,
  ThreadCrashedError,
  ThreadError,
  type ThreadErrorCode,
  ThreadLoadError,
  ThreadOptionsError,
  ThreadQueueFullError,
  TimeoutError,
  UnknownChannelError,
  WorkersError,
  type WorkersErrorCode,
} from "./errors.js";
export { startWorkers } from "./start-workers.js";
export { channelState } from "./transport/memory.js";
export {
  deliveredValue,
  type MessageReply,
  messageOf,
  type TransportMessage,
} from "./transport/messages.js";
export type {
  Delivery,
  TakeOptions,
  Transport,
  TransportChannel,
  TransportChannelSpec,
  TransportHooks,
} from "./transport/types.js";
export type {
  ChannelState,
  ChannelStats,
  CommandOptions,
  Components,
  CustomEvent,
  DeliveryInfo,
  DropEvent,
  DropEventReason,
  EmitFn,
  Envelope,
  ErrorEvent,
  GuardEvent,
  Headers,
  InjectInfo,
  Instrumentation,
  LatencySummary,
  ModuleRef,
  Observability,
  ProcessInfo,
  RequestOptions,
  StartEvent,
  StartOptions,
  StatsSnapshot,
  StopEvent,
  StopOptions,
  ThreadOptions,
  ThreadPoolStats,
  WorkerContext,
  WorkerInfo,
  WorkerStats,
  WorkersEvent,
  WorkersLogger,
  WorkersSystem,
} from "./types.js";
export {
  type WorkersComponent,
  type WorkersComponentOptions,
  workersComponent,
} from "./workers-component.js";
