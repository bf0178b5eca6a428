// Runs inside every pool thread: the thread worker's `ctx`, and its channel proxies.

import type { ThreadWorkerInfo } from "./thread-modules.js";
import { channelOp } from "./thread-port.js";
import type { ThreadWorkerContext } from "./types.js";

/**
 * A thread-side channel: `put` waits until the main thread's channel accepted the value. Each
 * message has its own proxies, naming it (`seq`) in its operations: a put parked on the main
 * thread ends when the message is aborted, and is carried out in its async context.
 */
class ChannelProxy {
  readonly #worker: string;
  readonly #name: string;
  readonly #seq: number;
  constructor(worker: string, name: string, seq: number) {
    this.#worker = worker;
    this.#name = name;
    this.#seq = seq;
  }
  put(value: unknown): Promise<boolean> {
    return channelOp(this.#worker, this.#name, "put", value, this.#seq);
  }
  offer(value: unknown): Promise<boolean> {
    return channelOp(this.#worker, this.#name, "offer", value, this.#seq);
  }
}

function channelsFor(worker: string, seq: number): Record<string, ChannelProxy> {
  const cache = new Map<string, ChannelProxy>();
  return new Proxy(Object.create(null) as Record<string, ChannelProxy>, {
    get(_target, name) {
      if (typeof name !== "string") return undefined;
      let proxy = cache.get(name);
      if (proxy === undefined) {
        proxy = new ChannelProxy(worker, name, seq);
        cache.set(name, proxy);
      }
      return proxy;
    },
  });
}

/** The thread worker's `ctx`. */
export class ThreadContext implements ThreadWorkerContext {
  readonly worker: ThreadWorkerInfo;
  readonly headers: Readonly<Record<string, string>>;
  readonly attempt: number;
  readonly #seq: number;
  #channels: Record<string, ChannelProxy> | undefined = undefined;
  #controller: AbortController | undefined;
  #aborted = false;

  constructor(
    info: ThreadWorkerInfo,
    headers: Readonly<Record<string, string>>,
    seq: number,
    attempt: number,
  ) {
    this.worker = info;
    this.headers = headers;
    this.attempt = attempt;
    this.#seq = seq;
  }

  // Built on first use: most functions never look at it.
  get channels(): Record<string, ChannelProxy> {
    this.#channels ??= channelsFor(this.worker.name, this.#seq);
    return this.#channels;
  }

  // Created on first use: most functions never look at it.
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(abortReason());
    }
    return this.#controller.signal;
  }

  abort(): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#controller?.abort(abortReason());
  }
}

function abortReason(): Error {
  const error = new Error("the message was aborted (request timeout or stop deadline)");
  error.name = "AbortError";
  return error;
}
