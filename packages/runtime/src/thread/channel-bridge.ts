// Carries thread workers' channel operations out on the main thread (internal). Every pool
// thread hands over a MessagePort when it starts; requests and answers travel on it.
import type { MessagePort } from "node:worker_threads";
import type { ChannelOp, ContextRunner } from "../internal/dispatch.js";
import { encodeThrown } from "./error-codec.js";
import { type OpRequest, type OpResponse, PORT_MARK } from "./protocol.js";

export class ChannelBridge {
  readonly #ports = new Set<MessagePort>();
  readonly #channelOp: ChannelOp;
  readonly #signalOf: (seq: number) => AbortSignal | undefined;
  readonly #contextOf: ((seq: number) => ContextRunner | undefined) | undefined;

  /**
   * `signalOf` gives the signal of the message an operation names (a put parked for it ends
   * when it aborts), `contextOf` its async context, while the message is unsettled.
   */
  constructor(
    channelOp: ChannelOp,
    signalOf: (seq: number) => AbortSignal | undefined,
    contextOf?: (seq: number) => ContextRunner | undefined,
  ) {
    this.#channelOp = channelOp;
    this.#signalOf = signalOf;
    this.#contextOf = contextOf;
  }

  /** Takes a thread's message to the pool; adopts it when it hands over a control port. */
  attach(message: unknown): void {
    if (typeof message !== "object" || message === null || !(PORT_MARK in message)) return;
    const port = (message as unknown as { port: MessagePort }).port;
    this.#ports.add(port);
    port.on("message", (request: OpRequest) => this.#op(port, request));
    port.on("close", () => this.#ports.delete(port));
    // Threads keep the process alive, not their ports.
    port.unref();
  }

  close(): void {
    for (const port of this.#ports) port.close();
    this.#ports.clear();
  }

  #op(port: MessagePort, request: OpRequest): void {
    const context =
      request.q === undefined || this.#contextOf === undefined
        ? undefined
        : this.#contextOf(request.q);
    if (context === undefined) this.#carry(port, request);
    else context(() => this.#carry(port, request));
  }

  #carry(port: MessagePort, request: OpRequest): void {
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
        signal: request.q === undefined ? undefined : this.#signalOf(request.q),
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
