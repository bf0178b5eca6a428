// Publishes to JetStream and hands back its acknowledgement. Every publish of a connection has
// its answer sent to one subscription (`<inbox>.<token>`), as nats.js's muxed `request` does,
// without what a request allocates each time: an Error kept for its async stack trace, another
// when it is cancelled after its answer, and a timer. At hundreds of publishes in flight those
// were most of the send path's CPU time. Instead one timer, armed for the oldest publish still
// waiting, ends the publishes whose answer did not come within the timeout.

import {
  createInbox,
  type Msg,
  type MsgHdrs,
  type NatsConnection,
  type Subscription,
} from "@nats-io/transport-node";

/** The stream stored the message (or had it already: a duplicate id). */
export const STORED = 0;
/**
 * No usable answer: none within the timeout, no stream listening (503), a publish the
 * connection refused (closed), an answer that is not a PubAck, or the publisher closed.
 */
export const LOST = -1;

/** A publish waiting for its answer. */
export interface AckWaiter {
  /** When the publish is given up (`performance.now()` ms); set by `publish`. */
  deadline: number;
  /** `STORED`, `LOST`, or the JetStream API error code (`err_code`) the stream answered. */
  acked(result: number): void;
}

export class Publisher {
  private readonly prefix = createInbox();
  /** By token, in the order sent: the first entry has the earliest deadline. */
  private readonly waiting = new Map<string, AckWaiter>();
  private readonly sub: Subscription;
  private readonly decoder = new TextDecoder();
  private next = 0;
  private timer: ReturnType<typeof setTimeout> | undefined = undefined;
  private closed = false;
  /** Callers of `idle` waiting for the last answer. */
  private idlers: (() => void)[] = [];

  constructor(
    private readonly nc: NatsConnection,
    private readonly timeoutMs: number,
  ) {
    // An error (a permissions violation on the inbox) comes with no message: the publishes
    // waiting for answers end by their timeout.
    this.sub = nc.subscribe(`${this.prefix}.*`, {
      callback: (err, msg) => {
        if (err === null) this.answered(msg);
      },
    });
  }

  /** Publishes `data` to `subject`; `waiter.acked` is called once, never synchronously. */
  publish(subject: string, data: Uint8Array, headers: MsgHdrs, waiter: AckWaiter): void {
    if (this.closed) {
      queueMicrotask(() => waiter.acked(LOST));
      return;
    }
    const token = (++this.next).toString(36);
    try {
      this.nc.publish(subject, data, { reply: `${this.prefix}.${token}`, headers });
    } catch {
      // Closed or draining: nothing was sent.
      queueMicrotask(() => waiter.acked(LOST));
      return;
    }
    waiter.deadline = performance.now() + this.timeoutMs;
    this.waiting.set(token, waiter);
    if (this.timer === undefined) this.arm(this.timeoutMs);
  }

  /**
   * Resolves once no publish waits for its answer: each gets one, or `LOST` at its deadline
   * (`timeoutMs` at most), or at `close`.
   */
  idle(): Promise<void> {
    if (this.waiting.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.idlers.push(resolve);
    });
  }

  /** Ends every waiting publish with `LOST` and stops listening for answers. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    try {
      this.sub.unsubscribe();
    } catch {}
    const waiters = [...this.waiting.values()];
    this.waiting.clear();
    for (const w of waiters) w.acked(LOST);
    this.wakeIdlers();
  }

  private wakeIdlers(): void {
    if (this.waiting.size !== 0 || this.idlers.length === 0) return;
    const idlers = this.idlers;
    this.idlers = [];
    for (const resolve of idlers) resolve();
  }

  private answered(msg: Msg): void {
    const token = msg.subject.slice(this.prefix.length + 1);
    const waiter = this.waiting.get(token);
    // An answer after the timeout: the message was stored, but its put already tried again
    // (with the same `Nats-Msg-Id`, so that publish is acknowledged as a duplicate).
    if (waiter === undefined) return;
    this.waiting.delete(token);
    waiter.acked(this.result(msg));
    this.wakeIdlers();
  }

  private result(msg: Msg): number {
    // A status (503: no stream listens on the subject) has no PubAck.
    if ((msg.headers?.code ?? 0) !== 0) return LOST;
    try {
      const answer = JSON.parse(this.decoder.decode(msg.data)) as {
        stream?: unknown;
        error?: { err_code?: unknown };
      };
      if (answer.error !== undefined) {
        const code = answer.error.err_code;
        return typeof code === "number" && code > 0 ? code : LOST;
      }
      return typeof answer.stream === "string" && answer.stream !== "" ? STORED : LOST;
    } catch {
      return LOST;
    }
  }

  private arm(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.expire(), Math.max(1, ms));
  }

  /** Ends the publishes past their deadline; re-arms for the first one that is not. */
  private expire(): void {
    this.timer = undefined;
    const now = performance.now();
    const expired: AckWaiter[] = [];
    for (const [token, waiter] of this.waiting) {
      if (waiter.deadline > now) {
        this.arm(waiter.deadline - now);
        break;
      }
      this.waiting.delete(token);
      expired.push(waiter);
    }
    // State first, then the callbacks (which may publish again).
    for (const w of expired) w.acked(LOST);
    this.wakeIdlers();
  }
}
