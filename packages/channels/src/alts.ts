import { Chan, internal, MAX_PENDING } from "./channel.js";
import { InvalidArgumentError, PendingLimitError } from "./errors.js";
import { checkValue } from "./internal/check-value.js";
import { ALT, type AltOutcome, AltState, Waiter } from "./internal/waiter.js";
import { PutView } from "./map-puts.js";
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
 * closed), for a put whether it was accepted (`false` if closed); `channel` is the channel
 * object the completed operation named, exactly as passed (a `mapPuts` view, not the channel
 * behind it), or `"default"`.
 *
 * A put op on a `mapPuts` view applies the view's function to its value once, after every op
 * passed its checks and before any is tried, whether that op then wins or not; what it
 * returns is checked like any put value.
 *
 * @throws InvalidArgumentError (`ERR_INVALID_ARGUMENT`) for no operations and no default,
 * PendingLimitError (`ERR_PENDING_LIMIT`) when a channel's pending queue is full,
 * UndefinedValueError (`ERR_UNDEFINED_VALUE`) for a put of `undefined`, ThenableValueError
 * (`ERR_THENABLE`) for a put of a promise or other thenable; every operation is checked before
 * any is tried, so a refusal leaves every channel as it was (a view's function, or what it
 * returns, that fails does too)
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
  // What each put op hands its channel, once one of them is on a `mapPuts` view; until then
  // (and for plain channels) the op's own value.
  let values: unknown[] | undefined;
  for (let i = 0; i < n; i++) {
    const op = ops[i]!;
    if (Array.isArray(op)) {
      checkValue(op[1]);
      const ch = op[0] as Channel<unknown>;
      if (ch instanceof Chan) chans[i] = ch;
      else {
        chans[i] = viewRoot(ch);
        values ??= new Array(n);
      }
    } else chans[i] = op instanceof Chan ? op : viewRoot(op as Channel<unknown>);
  }
  // Every op passed its checks: now each view put's `fn`, once, whether or not the op wins
  // (a parked put needs its value before it waits, and `fn` runs in the caller's call).
  if (values !== undefined) {
    for (let i = 0; i < n; i++) {
      const op = ops[i]!;
      if (!Array.isArray(op)) continue;
      const ch = op[0] as Channel<unknown>;
      values[i] = ch instanceof PutView ? ch.mapValue(op[1]) : op[1];
    }
  }
  if (n === 0 && !hasDefault) {
    throw new InvalidArgumentError("alts needs at least one operation or a default");
  }
  const order = options?.priority === true ? identity(n) : shuffled(n);
  // A result names the op's channel as given (a view, not its root).
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    const ch = chans[i]!;
    const op = ops[i]!;
    if (Array.isArray(op)) {
      if (ch.closed) return Promise.resolve({ value: false, channel: op[0] });
      const value = values === undefined ? op[1] : values[i];
      if (ch.accept(value)) return Promise.resolve({ value: true, channel: op[0] });
    } else if (ch.takeReady()) {
      return Promise.resolve({ value: ch.poll(), channel: op });
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
      const w = new Waiter(ALT, isPut ? (values === undefined ? op[1] : values[i]) : undefined);
      w.target = alt;
      alt.waiters.push(w);
      alt.channels.push(isPut ? op[0] : op);
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

/** The real channel behind a `mapPuts` view; anything else is refused as `internal` does. */
function viewRoot(ch: Channel<unknown>): Chan<unknown> {
  return ch instanceof PutView ? ch.root : internal(ch);
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
