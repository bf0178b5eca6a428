import { type Context, createContextKey, ROOT_CONTEXT, type Span } from "@opentelemetry/api";
import type { AttributeSet } from "./attributes.js";

// Marks the context a processing runs in, so `inject` and `emit` can find their process span.
export const PROCESSING_KEY: symbol = createContextKey("@workers/otel processing");

/** One processing in flight (state shared by `around`, `inject` and `emit`). */
export class Processing {
  /** Set once the processing settled. */
  done = false;
  /**
   * For `thread` dispatch the runtime calls `inject` once more inside `run`, so the headers sent
   * to the thread carry this context: that call is a hop, not a new send.
   */
  hopPending: boolean;
  /** Set when the processing failed (by rejection or a `workers.error` event). */
  errorType: string | undefined = undefined;
  ctx: Context = ROOT_CONTEXT;

  constructor(
    readonly span: Span,
    readonly workerId: string,
    readonly channel: string | undefined,
    readonly attrs: AttributeSet,
    readonly startedAt: number,
    readonly thread: boolean,
  ) {
    this.hopPending = thread;
  }
}
