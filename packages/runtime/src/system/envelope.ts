import type { Envelope, Headers } from "../types.js";

/** Shared by every message that has no headers (no `inject` hook): never written to. */
export const EMPTY_HEADERS: Readonly<Headers> = Object.freeze({});

// Ids are a per-process random prefix and a counter, built on first read: most messages of an
// uninstrumented system never need one.
const PREFIX = `${Math.floor(Math.random() * 0x7fffffff).toString(36)}-`;
let counter = 0;

/** Settles a `request` once; later calls are ignored. */
export interface Reply {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** The runtime's envelope; `reply` and `abort` are set by `request`. */
export class MessageEnvelope<T = unknown> implements Envelope<T> {
  readonly body: T;
  readonly headers: Readonly<Headers>;
  readonly enqueuedAt: number;
  reply: Reply | undefined = undefined;
  abort: AbortController | undefined = undefined;
  private readonly seq: number;
  private cachedId: string | undefined = undefined;

  constructor(body: T, headers: Readonly<Headers>, enqueuedAt: number) {
    this.body = body;
    this.headers = headers;
    this.enqueuedAt = enqueuedAt;
    this.seq = ++counter;
  }

  get id(): string {
    if (this.cachedId === undefined) this.cachedId = PREFIX + this.seq.toString(36);
    return this.cachedId;
  }

  toJSON(): Envelope<T> {
    return { id: this.id, body: this.body, headers: this.headers, enqueuedAt: this.enqueuedAt };
  }
}

/** A fresh id for a message that came without an envelope (a raw value, a tick). */
export function nextMessageId(): string {
  return PREFIX + (++counter).toString(36);
}

/** The wall clock in epoch ms with sub-millisecond precision. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Whether `value` is a promise or another thenable (what `await` would adopt). A value whose
 * `then` cannot even be read (a revoked proxy, a throwing getter) counts as one: adopting it
 * fails the same way.
 */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return false;
  try {
    return typeof (value as { then?: unknown }).then === "function";
  } catch {
    return true;
  }
}
