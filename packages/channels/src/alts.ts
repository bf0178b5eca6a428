import { type Chan, internal, MAX_PENDING } from "./channel.js";
import { InvalidArgumentError, PendingLimitError } from "./errors.js";
import { checkValue } from "./internal/check-value.js";
import { ALT, type AltOutcome, AltState, Waiter } from "./internal/waiter.js";
import type { AbortSignalLike, Channel } from "./types.js";

/** One `alts` operation: a channel to take from, or `[channel, value]` to put. */
export type AltOp<T = any> = Channel<T> | readonly [Channel<T>, T];

/** Options of `alts`. */
export interface AltsOptions<D = never> {
  /** Try the operations in the given order instead of a random one. @default false */
  priority?: boolean | undefined;
  /** When present, returned (with `channel: "default"`) if no operation is ready right now. */
  default?: D;
  /** Aborting removes every pending operation; the promise rejects with the signal's reason. */
  signal?: AbortSignalLike | undefined;
}

/** The outcome of one operation: a take gives the value (`undefined` = closed), a put `boolean`. */
export type AltResult<Op> = Op extends readonly [infer C, unknown]
  ? { value: boolean; channel: C }
  : Op extends Channel<infer T>
    ? { value: T | undefined; channel: Op }
    : never;

/** The outcome of `alts` when its `default` was used. */
export interface AltDefault<D> {
  value: D;
  channel: "default";
}

type CheckedOps<Ops extends readonly AltOp[]> = {
  readonly [K in keyof Ops]: Ops[K] extends readonly [Channel<infer T>, unknown]
    ? readonly [Channel<T>, T]
    : Ops[K];
};

/**
 * Completes exactly one of several operations (`alts!`): takes (a channel) or puts
 * (`[channel, value]`). Ready operations are chosen at random unless `priority`; if none is
 * ready it returns `default` when given, else waits for the first to become ready. The
 * operations that lose leave nothing pending on any channel.
 *
 * Resolves `{ value, channel }`: for a take the value taken (`undefined` if that channel is
 * closed), for a put whether it was accepted (`false` if closed); `channel` is the channel of
 * the operation that completed, or `"default"`.
 *
 * @throws InvalidArgumentError (`ERR_INVALID_ARGUMENT`) for no operations and no default,
 * PendingLimitError (`ERR_PENDING_LIMIT`) when a channel's pending queue is full,
 * UndefinedValueError (`ERR_UNDEFINED_VALUE`) for a put of `undefined`, ThenableValueError
 * (`ERR_THENABLE`) for a put of a promise or other thenable; every operation is checked before
 * any is tried, so a refusal leaves every channel as it was
 * @example
 * ```ts
 * const { value, channel } = await alts([jobs, timeout(1000)]);
 * if (channel !== jobs) console.log("no job within a second");
 * ```
 */
export function alts<const Ops extends readonly AltOp[]>(
  ops: CheckedOps<Ops>,
  options?: AltsOptions & { default?: undefined },
): Promise<AltResult<Ops[number]>>;
export function alts<const Ops extends readonly AltOp[], D>(
  ops: CheckedOps<Ops>,
  options: AltsOptions<D> & { default: D },
): Promise<AltResult<Ops[number]> | AltDefault<D>>;
export function alts(ops: readonly AltOp[], options?: AltsOptions<unknown>): Promise<AltOutcome> {
  const n = ops.length;
  const hasDefault = options !== undefined && "default" in options;
  const signal = options === undefined ? undefined : options.signal;
  if (signal?.aborted) return Promise.reject(signal.reason);
  const chans: Chan<unknown>[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const op = ops[i]!;
    if (Array.isArray(op)) {
      checkValue(op[1]);
      chans[i] = internal(op[0] as Channel<unknown>);
    } else chans[i] = internal(op as Channel<unknown>);
  }
  if (n === 0 && !hasDefault) {
    throw new InvalidArgumentError("alts needs at least one operation or a default");
  }
  const order = options?.priority === true ? identity(n) : shuffled(n);
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    const ch = chans[i]!;
    const op = ops[i]!;
    if (Array.isArray(op)) {
      if (ch.closed) return Promise.resolve({ value: false, channel: ch });
      if (ch.accept(op[1])) return Promise.resolve({ value: true, channel: ch });
    } else if (ch.takeReady()) {
      return Promise.resolve({ value: ch.poll(), channel: ch });
    }
  }
  if (hasDefault) return Promise.resolve({ value: options.default, channel: "default" });
  // Check every limit before parking anything, so a refusal leaves nothing behind.
  const puts = new Map<Chan<unknown>, number>();
  const takes = new Map<Chan<unknown>, number>();
  for (let i = 0; i < n; i++) {
    const ch = chans[i]!;
    const isPut = Array.isArray(ops[i]);
    const counts = isPut ? puts : takes;
    const c = (counts.get(ch) ?? (isPut ? ch.pendingPuts : ch.pendingTakes)) + 1;
    if (c > MAX_PENDING) throw new PendingLimitError(isPut ? "put" : "take", MAX_PENDING);
    counts.set(ch, c);
  }
  return new Promise<AltOutcome>((resolve, reject) => {
    const alt = new AltState(resolve);
    for (let k = 0; k < n; k++) {
      const i = order[k]!;
      const ch = chans[i]!;
      const op = ops[i]!;
      const isPut = Array.isArray(op);
      const w = new Waiter(ALT, isPut ? op[1] : undefined);
      w.target = alt;
      alt.waiters.push(w);
      alt.channels.push(ch);
      if (isPut) ch.putters.pushWaiter(w);
      else ch.takers.pushWaiter(w);
    }
    if (signal !== undefined) {
      alt.signal = signal;
      alt.onAbort = () => {
        alt.cancel();
        reject(signal.reason);
      };
      signal.addEventListener("abort", alt.onAbort, { once: true });
    }
  });
}

function identity(n: number): number[] {
  const a = new Array<number>(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}

function shuffled(n: number): number[] {
  const a = identity(n);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
  return a;
}
