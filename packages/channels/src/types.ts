/**
 * How a buffer behaves when full: `fixed` makes puts wait (backpressure), `dropping` discards
 * the value being put (keeps the oldest), `sliding` evicts the oldest buffered value.
 */
export type BufferType = "fixed" | "dropping" | "sliding";

/** Why a buffer discarded a value: `dropping` drops the newest, `sliding` evicts the oldest. */
export type DropReason = "buffer-dropped" | "buffer-evicted";

/** How `putWith` writes: `async` = `putAsync`, `block` = awaited `put`, `drop` = `offer`. */
export type PutMode = "async" | "block" | "drop";

/**
 * The part of `AbortSignal` this package uses. Any standard `AbortSignal` fits; the structural
 * type keeps the package free of DOM or Node typings.
 */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

/** Options of a waiting operation (`put`, `take`). */
export interface OperationOptions {
  /** Aborting removes the pending operation; its promise rejects with the signal's reason. */
  signal?: AbortSignalLike | undefined;
}

/** Options of `chan`. */
export interface ChanOptions<T> {
  /** Buffer size; `0` (the default) makes an unbuffered, rendezvous channel. @default 0 */
  buffer?: number | undefined;
  /** @default "fixed" */
  bufferType?: BufferType | undefined;
  /**
   * Called (after the channel's state is updated, synchronously in the putter's call) for every
   * value a dropping or sliding buffer discards. An exception it throws reaches that caller.
   */
  onDrop?: ((value: T, reason: DropReason) => void) | undefined;
}

/**
 * A core.async channel. `undefined` is the closed sentinel: it cannot be put, and `take`
 * resolves to it once the channel is closed and drained. A promise or other thenable cannot
 * be put either (`await take()` would adopt it): wrap it, `{ promise }`.
 */
export interface Channel<T> {
  /**
   * Puts `value`, waiting while the buffer is full (`>!`). Resolves `true` once accepted, `false`
   * if the channel was already closed. A put parked before `close` stays pending and resolves
   * `true` when taken.
   * @throws UndefinedValueError (`ERR_UNDEFINED_VALUE`) for `undefined`
   * @throws ThenableValueError (`ERR_THENABLE`) for a promise or other thenable (wrap it:
   * `{ promise }`), before anything changes
   * @throws PendingLimitError (`ERR_PENDING_LIMIT`) if it would be the 1025th pending put
   */
  put(value: T, options?: OperationOptions): Promise<boolean>;
  /**
   * Puts without waiting (`put!`): accepted at once or queued as a pending put. Returns `false`
   * only if the channel is closed. `callback` is always called asynchronously (in a microtask)
   * with whether the value was accepted.
   * @throws UndefinedValueError (`ERR_UNDEFINED_VALUE`), ThenableValueError (`ERR_THENABLE`),
   * PendingLimitError (`ERR_PENDING_LIMIT`); the callback is then never called
   */
  putAsync(value: T, callback?: (accepted: boolean) => void): boolean;
  /**
   * Puts only if that is possible right now (a waiting taker or room in the buffer; a dropping
   * or sliding buffer always accepts); `false` once closed. Never queues, never allocates
   * (`offer!`).
   * @throws UndefinedValueError (`ERR_UNDEFINED_VALUE`), ThenableValueError (`ERR_THENABLE`)
   */
  offer(value: T): boolean;
  /**
   * Takes the next value (`<!`), waiting for one; `undefined` once closed and drained.
   * @throws PendingLimitError (`ERR_PENDING_LIMIT`) if it would be the 1025th pending take
   */
  take(options?: OperationOptions): Promise<T | undefined>;
  /** Takes a value only if one is available right now (`poll!`); otherwise `undefined`. */
  poll(): T | undefined;
  /**
   * Closes the channel (`close!`); idempotent. Buffered values and puts parked before the close
   * stay takeable; pending takes beyond them resolve `undefined`; later puts are refused.
   */
  close(): void;
  /** Whether `close` was called. */
  readonly closed: boolean;
  /** Number of buffered values. */
  readonly size: number;
  /** Buffer size; `0` for an unbuffered channel. */
  readonly capacity: number;
  /** The buffer's behaviour when full. */
  readonly bufferType: BufferType;
  /** Puts waiting for room (at most 1024). */
  readonly pendingPuts: number;
  /** Takes waiting for a value (at most 1024). */
  readonly pendingTakes: number;
  /** Values discarded by a dropping or sliding buffer since creation. */
  readonly drops: number;
  /** Iterates taken values until the channel is closed and drained. */
  [Symbol.asyncIterator](): AsyncIterableIterator<T>;
}

/**
 * Options of the combinators that run a loop no caller awaits (`pipe`, `mult`, `pub`,
 * `merge`, `split`, `toChan`). `onto` has its own, `OntoOptions`; `pipeline` rejects its
 * promise.
 */
export interface CombinatorOptions {
  /**
   * Receives the error that stopped the combinator's background loop: a put or take that threw
   * (`PendingLimitError`, `ERR_PENDING_LIMIT`, on an output already holding 1024 pending puts;
   * `ThenableValueError`, `ERR_THENABLE`, for a promise in `toChan`'s source), or a callback
   * that threw (`split`'s predicate, `pub`'s `topicFn`, a failing iterable). It is called once
   * the outputs are closed (per their `close` flags), before their takers resume, so a taker
   * that sees `undefined` can tell a failure from a normal end (`pub`: once its topics are
   * closed; each subscriber closes after receiving what was already routed to it). Without
   * `onError` the error is printed with `console.error`; it never becomes an unhandled
   * rejection. An error `onError` throws is printed too.
   */
  onError?: ((error: unknown) => void) | undefined;
}
