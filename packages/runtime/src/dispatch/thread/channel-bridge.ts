// Carries thread workers' channel operations out on the main thread (internal). Every pool
// thread hands over a MessagePort when it starts; requests and answers travel on it, and so
// does the shutdown round at stop.
import type { MessagePort } from "node:worker_threads";
import type { ChannelOp, ContextRunner } from "../types.js";
import { decodeThrown, encodeThrown } from "./error-codec.js";
import {
  type OpRequest,
  type OpResponse,
  PORT_MARK,
  SHUTDOWN_MARK,
  type ShutdownReply,
} from "./protocol.js";

/** The outcome of a shutdown round: the hooks' errors, and the threads that did not answer. */
export interface ShutdownOutcome {
  readonly errors: readonly unknown[];
  readonly unanswered: number;
}

/** The message a channel operation names, while it is unsettled. */
export interface OpIssuer {
  /** Its signal: a `put` still parked when it aborts ends with its reason. */
  readonly task: { readonly signal: AbortSignal };
  /** With `captureContext`: the async context the operation is carried out in. */
  readonly context: ContextRunner | undefined;
}

/** A pool thread, as the shutdown round needs it. */
export interface PoolThread {
  readonly threadId: number;
  once(event: "exit", listener: () => void): unknown;
  off(event: "exit", listener: () => void): unknown;
}

type Answer = (reply: ShutdownReply | undefined) => void;

export class ChannelBridge {
  readonly #ports = new Set<MessagePort>();
  /** Each thread's control port, by thread id. */
  readonly #byThread = new Map<number, MessagePort>();
  /** During a shutdown round: threads asked to shut down whose port has not arrived yet. */
  readonly #awaited = new Map<number, (port: MessagePort) => void>();
  /** Threads asked to shut down, until they answer (or their port closes). */
  readonly #shutdowns = new Map<MessagePort, Answer>();
  readonly #channelOp: ChannelOp;
  readonly #issuerOf: (seq: number) => OpIssuer | undefined;

  /** `issuerOf` gives the message an operation names (by sequence number) while it is unsettled. */
  constructor(channelOp: ChannelOp, issuerOf: (seq: number) => OpIssuer | undefined) {
    this.#channelOp = channelOp;
    this.#issuerOf = issuerOf;
  }

  /** Takes a thread's message to the pool; adopts it when it hands over a control port. */
  attach(message: unknown): void {
    if (typeof message !== "object" || message === null || !(PORT_MARK in message)) return;
    const { port, threadId } = message as unknown as { port: MessagePort; threadId: number };
    this.#ports.add(port);
    this.#byThread.set(threadId, port);
    port.on("message", (request: OpRequest | ShutdownReply) => {
      if (SHUTDOWN_MARK in request) this.#answered(port, request);
      else this.#op(port, request);
    });
    port.on("close", () => {
      this.#ports.delete(port);
      if (this.#byThread.get(threadId) === port) this.#byThread.delete(threadId);
      this.#answered(port, undefined);
    });
    // Threads keep the process alive, not their ports.
    port.unref();
    this.#awaited.get(threadId)?.(port);
  }

  /**
   * Asks each of `threads` to run its setup module's `shutdown()` and waits for the answers,
   * for at most `timeoutMs`. A thread whose control port has not arrived yet (it is starting)
   * is asked once it arrives; a thread that ends meanwhile counts as answered: it has nothing
   * left to flush.
   */
  async shutdown(threads: readonly PoolThread[], timeoutMs: number): Promise<ShutdownOutcome> {
    if (threads.length === 0) return { errors: [], unanswered: 0 };
    const errors: unknown[] = [];
    let answered = 0;
    const cleanups: (() => void)[] = [];
    const replies = threads.map(
      (thread) =>
        new Promise<void>((resolve) => {
          const answer: Answer = (reply) => {
            thread.off("exit", exited);
            answered++;
            if (reply?.err !== undefined) errors.push(decodeThrown(reply.err));
            resolve();
          };
          const exited = (): void => {
            this.#awaited.delete(thread.threadId);
            const port = this.#byThread.get(thread.threadId);
            if (port !== undefined) this.#shutdowns.delete(port);
            answer(undefined);
          };
          const ask = (port: MessagePort): void => {
            this.#awaited.delete(thread.threadId);
            this.#shutdowns.set(port, answer);
            try {
              port.postMessage(SHUTDOWN_MARK);
            } catch {
              this.#answered(port, undefined);
            }
          };
          thread.once("exit", exited);
          cleanups.push(() => thread.off("exit", exited));
          const port = this.#byThread.get(thread.threadId);
          if (port === undefined) this.#awaited.set(thread.threadId, ask);
          else ask(port);
        }),
    );
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([Promise.all(replies), expired]);
    clearTimeout(timer);
    for (const cleanup of cleanups) cleanup();
    this.#awaited.clear();
    this.#shutdowns.clear();
    return { errors, unanswered: threads.length - answered };
  }

  #answered(port: MessagePort, reply: ShutdownReply | undefined): void {
    const answer = this.#shutdowns.get(port);
    if (answer === undefined) return;
    this.#shutdowns.delete(port);
    answer(reply);
  }

  close(): void {
    for (const port of this.#ports) port.close();
    this.#ports.clear();
    this.#byThread.clear();
  }

  #op(port: MessagePort, request: OpRequest): void {
    const issuer = request.q === undefined ? undefined : this.#issuerOf(request.q);
    const context = issuer?.context;
    const signal = issuer?.task.signal;
    if (context === undefined) this.#carry(port, request, signal);
    else context(() => this.#carry(port, request, signal));
  }

  #carry(port: MessagePort, request: OpRequest, signal: AbortSignal | undefined): void {
    const reply = (response: OpResponse): void => {
      try {
        port.postMessage(response);
      } catch {
        // The thread is gone; nobody waits for the answer.
      }
    };
    let pending: Promise<boolean>;
    try {
      pending = this.#channelOp({
        workerId: request.w,
        channel: request.c,
        op: request.o,
        value: request.v,
        signal,
      });
    } catch (error) {
      reply({ id: request.id, err: encodeThrown(error) });
      return;
    }
    pending.then(
      (ok) => reply({ id: request.id, ok }),
      (error: unknown) => reply({ id: request.id, err: encodeThrown(error) }),
    );
  }
}
