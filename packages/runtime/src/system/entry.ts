// `command` and `request`: the ways into a system from outside.

import {
  DroppedError,
  InvalidMessageError,
  NotExposedError,
  StoppedError,
  TimeoutError,
} from "../errors.js";
import type { CommandOptions, Headers, RequestOptions } from "../types.js";
import { type CommandWorker, PUT_ASYNC, PUT_BLOCK, PUT_DROP } from "../workers/command-worker.js";
import { abortSignal, durationMs, optionsObject } from "./arguments.js";
import type { SystemCore } from "./core.js";
import { EMPTY_HEADERS, epochNow, isThenable, MessageEnvelope } from "./envelope.js";
import { PendingRequest } from "./pending-request.js";
import { watchSignal } from "./signal-requests.js";

const TRUE: Promise<boolean> = Promise.resolve(true);
const FALSE: Promise<boolean> = Promise.resolve(false);

/**
 * Whether a message can travel without an envelope: nothing on its way may misread it. A
 * thenable is refused by channels (`ERR_THENABLE`), and an envelope would be taken for one.
 */
function travelsBare(msg: unknown): boolean {
  if (msg === null || (typeof msg !== "object" && typeof msg !== "function")) return true;
  return !isThenable(msg) && !(msg instanceof MessageEnvelope);
}

export class Entry {
  private readonly exposed = new Map<string, CommandWorker>();
  private lastTarget: CommandWorker | undefined = undefined;
  private lastTargetName: string | undefined = undefined;

  constructor(
    private readonly core: SystemCore,
    workers: readonly CommandWorker[],
    exposed: ReadonlySet<string>,
  ) {
    for (const w of workers) if (exposed.has(w.name)) this.exposed.set(w.name, w);
  }

  private target(worker: string, msg: unknown): CommandWorker {
    if (this.core.phase !== "running") throw new StoppedError();
    // A caller usually sends to the same worker again and again: the last one found is
    // remembered (the set of exposed workers never changes), sparing a map lookup.
    let target = this.lastTarget;
    if (target === undefined || worker !== this.lastTargetName) {
      target = this.exposed.get(worker);
      if (target === undefined) {
        throw new NotExposedError(String(worker), [...this.exposed.keys()]);
      }
      this.lastTarget = target;
      this.lastTargetName = worker;
    }
    if (msg === undefined) throw new InvalidMessageError();
    return target;
  }

  command(worker: string, msg: unknown, options?: CommandOptions): Promise<boolean> {
    try {
      const limit = options === undefined ? undefined : this.commandLimit(options);
      const target = this.target(worker, msg);
      // Uninstrumented, an envelope would carry nothing (no headers, no reply): the message
      // travels as it is, processed like any raw value on an input channel.
      const value =
        this.core.instrumented || !travelsBare(msg) ? this.envelope(target.inChannel!, msg) : msg;
      if (limit !== undefined && target.putKind === PUT_BLOCK) {
        return this.blockingCommand(worker, target, value, limit);
      }
      return this.send(target, value, msg);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** `command`'s options, checked (a malformed call is refused whatever the system's state). */
  private commandLimit(
    options: CommandOptions,
  ): { timeoutMs: number | undefined; signal: AbortSignal | undefined } | undefined {
    const o = optionsObject<CommandOptions>("command options", options);
    if (o === undefined) return undefined;
    let timeoutMs = durationMs("command options.timeoutMs", o.timeoutMs, { infinite: true });
    if (timeoutMs === Number.POSITIVE_INFINITY) timeoutMs = undefined;
    const signal = abortSignal("command options.signal", o.signal);
    return timeoutMs === undefined && signal === undefined ? undefined : { timeoutMs, signal };
  }

  /**
   * A `block`-mode command with a deadline or a signal: the put waits for room until either;
   * then the message is not accepted and the command rejects with `TimeoutError` or the
   * signal's reason.
   */
  private blockingCommand(
    worker: string,
    target: CommandWorker,
    value: unknown,
    limit: { timeoutMs: number | undefined; signal: AbortSignal | undefined },
  ): Promise<boolean> {
    const { timeoutMs, signal } = limit;
    if (signal?.aborted === true) return Promise.reject(signal.reason);
    if (target.channel.offer(value)) return TRUE;
    const controller = new AbortController();
    const abort = (): void => controller.abort(signal!.reason);
    signal?.addEventListener("abort", abort, { once: true });
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(
            () => controller.abort(new TimeoutError(worker, timeoutMs, "command")),
            timeoutMs,
          );
    return target.channel.put(value, { signal: controller.signal }).finally(() => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", abort);
    });
  }

  request(worker: string, msg: unknown, options?: RequestOptions): Promise<any> {
    let target: CommandWorker;
    let timeoutMs: number | undefined;
    let signal: AbortSignal | undefined;
    try {
      // A malformed call is refused as such, whatever the system's state.
      const o = optionsObject<RequestOptions>("request options", options);
      if (o !== undefined) {
        timeoutMs = durationMs("request options.timeoutMs", o.timeoutMs, { infinite: true });
        signal = abortSignal("request options.signal", o.signal);
        // Infinity: no deadline, no timer.
        if (timeoutMs === Number.POSITIVE_INFINITY) timeoutMs = undefined;
      }
      target = this.target(worker, msg);
    } catch (error) {
      return Promise.reject(error);
    }
    if (signal?.aborted === true) return Promise.reject(signal.reason);
    const env = this.envelope(target.inChannel!, msg);
    // An executor that only takes the settlers is small enough for V8 to inline (with its
    // closure optimized away); the put runs after it.
    let settle: ((value: unknown) => void) | undefined;
    let fail: ((error: unknown) => void) | undefined;
    const promise = new Promise((resolve, reject) => {
      settle = resolve;
      fail = reject;
    });
    const pending = new PendingRequest(settle!, fail!);
    env.reply = pending;
    try {
      this.sendRequest(worker, target, env, pending, timeoutMs, signal);
    } catch (error) {
      pending.reject(error);
    }
    return promise;
  }

  /** Puts a request's envelope by the channel's put mode, with its deadline and signal. */
  private sendRequest(
    worker: string,
    target: CommandWorker,
    env: MessageEnvelope,
    pending: PendingRequest,
    timeoutMs: number | undefined,
    signal: AbortSignal | undefined,
  ): void {
    if (timeoutMs !== undefined || signal !== undefined) {
      const controller = new AbortController();
      env.abort = controller;
      if (timeoutMs !== undefined) {
        const ms = timeoutMs;
        pending.timer = setTimeout(() => {
          const error = new TimeoutError(worker, ms);
          pending.reject(error);
          controller.abort(error);
        }, timeoutMs);
      }
      // One abort listener per caller signal, however many requests share it.
      if (signal !== undefined) watchSignal(signal, pending, controller);
    }
    const kind = target.putKind;
    if (kind === PUT_DROP) {
      // Decided now: a refusal is an input-drop (the channel cannot close in between).
      if (!this.offerOrDrop(target, env, env.body)) {
        pending.reject(new DroppedError("input-drop", target.inChannel!));
      }
      return;
    }
    const ch = target.channel;
    if (kind === PUT_ASYNC) {
      // Refused only by a closed channel: the system stopped.
      if (!ch.putAsync(env)) pending.reject(new StoppedError());
      return;
    }
    // What `put` accepts at once, `offer` accepts (the channel contract): the common case ends
    // here, without a promise reaction and its microtask.
    if (ch.offer(env)) return;
    const abort = env.abort;
    const put = abort === undefined ? ch.put(env) : ch.put(env, { signal: abort.signal });
    put.then(
      (accepted) => {
        // Refused only by a closed channel: the system stopped.
        if (!accepted) pending.reject(new StoppedError());
      },
      (error: unknown) => pending.reject(error),
    );
  }

  /** Puts `value` (an envelope, or the message itself) by the channel's put mode. */
  private send(target: CommandWorker, value: unknown, msg: unknown): Promise<boolean> {
    const ch = target.channel;
    const kind = target.putKind;
    if (kind === PUT_BLOCK) return ch.put(value);
    if (kind === PUT_ASYNC) return ch.putAsync(value) ? TRUE : FALSE;
    return this.offerOrDrop(target, value, msg) ? TRUE : FALSE;
  }

  /** A refused `drop`-mode offer is an `input-drop`. */
  private offerOrDrop(target: CommandWorker, value: unknown, msg: unknown): boolean {
    if (target.channel.offer(value)) return true;
    this.core.drop("input-drop", target.inChannel!, msg, target.name);
    return false;
  }

  /**
   * The envelope of a `command` or `request`. `enqueuedAt` is stamped when the system is
   * instrumented (an `inject` or `around` hook reads it); otherwise it is 0 and the hot path
   * reads no clock.
   */
  private envelope(channel: string, msg: unknown): MessageEnvelope {
    const obs = this.core.obs;
    if (obs.inject === undefined) {
      return new MessageEnvelope(msg, EMPTY_HEADERS, obs.around === undefined ? 0 : epochNow());
    }
    return new MessageEnvelope(msg, this.injected(channel), epochNow());
  }

  /** Headers the `inject` hook wrote for a message put onto `channel`. */
  private injected(channel: string): Headers {
    const headers: Headers = {};
    this.core.obs.inject!(headers, { channel });
    return headers;
  }
}
