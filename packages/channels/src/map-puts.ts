import { Chan } from "./channel.js";
import { InvalidArgumentError } from "./errors.js";
import { checkValue } from "./internal/check-value.js";
import type { BufferType, Channel, OperationOptions } from "./types.js";

/**
 * The channel `mapPuts` returns: puts go through `fn` to `target`; everything else is the
 * real channel's at the bottom of the chain (`root`). A separate class, so `Chan`'s own put
 * paths carry no "is this a view?" branch.
 */
export class PutView<T> implements Channel<T> {
  /** The channel puts are handed to, after `fn`: a `Chan` or another view. */
  readonly target: Channel<T>;
  readonly fn: (value: T) => T;
  /** The real channel at the bottom of the chain: takes, state and `alts` use it. */
  readonly root: Chan<T>;

  constructor(target: Chan<T> | PutView<T>, fn: (value: T) => T) {
    this.target = target;
    this.fn = fn;
    this.root = target instanceof PutView ? target.root : target;
  }

  // Each put checks its value before `fn` sees it; `target`'s put checks what `fn` returned.
  put(value: T, options?: OperationOptions): Promise<boolean> {
    checkValue(value);
    return this.target.put(this.fn(value), options);
  }

  putAsync(value: T, callback?: (accepted: boolean) => void): boolean {
    checkValue(value);
    return this.target.putAsync(this.fn(value), callback);
  }

  offer(value: T): boolean {
    checkValue(value);
    return this.target.offer(this.fn(value));
  }

  take(options?: OperationOptions): Promise<T | undefined> {
    return this.root.take(options);
  }

  poll(): T | undefined {
    return this.root.poll();
  }

  close(): void {
    this.root.close();
  }

  get closed(): boolean {
    return this.root.closed;
  }
  get size(): number {
    return this.root.size;
  }
  get capacity(): number {
    return this.root.capacity;
  }
  get bufferType(): BufferType {
    return this.root.bufferType;
  }
  get pendingPuts(): number {
    return this.root.pendingPuts;
  }
  get pendingTakes(): number {
    return this.root.pendingTakes;
  }
  get drops(): number {
    return this.root.drops;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this.root[Symbol.asyncIterator]();
  }

  /**
   * What a put of `value` (already checked) through this view hands `root`: every `fn` of the
   * chain applied, outermost first, each result checked as a put checks its value. For `alts`.
   */
  mapValue(value: T): T {
    let v = this.fn(value);
    checkValue(v);
    for (let t = this.target; t instanceof PutView; t = t.target) {
      v = t.fn(v);
      checkValue(v);
    }
    return v;
  }
}

/**
 * A channel whose puts apply `fn` to each value before handing it to `ch` (core.async's
 * `map>`); takes, `poll`, `close`, the read-only state and `for await` are `ch`'s own. The
 * result is a channel like any other for every function of this package: `alts` (a put op
 * applies `fn`, a take op takes from `ch`; the result's `channel` is the view), `pipe`,
 * `mult`/`tap`, `merge`, `onto`, `pipeline`, `putWith`, and `mapPuts` again:
 * `mapPuts(mapPuts(ch, f), g)` applies `g`, then `f`.
 *
 * `fn` runs synchronously in the putter's call, once per put (`put`, `putAsync`, `offer`),
 * after the value passed the checks every put makes (so it never sees `undefined` or a
 * thenable), and whether or not the put is then accepted (a closed channel, a full `offer`).
 * What it returns is checked the same way; an exception it throws reaches the putter and
 * nothing is put. An `alts` call applies the `fn` of each of its put ops once, after checking
 * every op and before trying any: a parked put needs its value before it waits, so the put
 * ops that lose have had `fn` applied too.
 *
 * @throws InvalidArgumentError (`ERR_INVALID_ARGUMENT`) if `ch` is not a channel of this
 * package (one made by `chan`, `promiseChan`, `timeout`, a combinator or `mapPuts`) or `fn`
 * is not a function
 * @example
 * ```ts
 * const stamped = mapPuts(jobs, (job) => ({ ...job, at: Date.now() }));
 * await stamped.put({ id: 1 }); // jobs receives { id: 1, at: ... }
 * ```
 */
export function mapPuts<T>(ch: Channel<T>, fn: (value: T) => T): Channel<T> {
  if (!(ch instanceof Chan || ch instanceof PutView)) {
    throw new InvalidArgumentError(
      `mapPuts: ch must be a channel created by @workers/channels, got ${describe(ch)}`,
    );
  }
  if (typeof fn !== "function") {
    throw new InvalidArgumentError(`mapPuts: fn must be a function, got ${typeof fn}`);
  }
  return new PutView<T>(ch, fn);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value !== "object") return typeof value;
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === "string" && name !== "" ? `an instance of ${name}` : "an object";
}
