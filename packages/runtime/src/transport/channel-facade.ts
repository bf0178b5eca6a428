// `ctx.channels[name]` of a channel that lives in a transport (not `@workers/channels`) when
// the system has an `inject` hook: puts call `inject` in the worker's context and wrap values
// for input channels in envelopes; everything else is the channel's own. In-memory channels
// get `mapPuts` views instead, which every `@workers/channels` function accepts.

import type { Channel, OperationOptions } from "@workers/channels";

export class ChannelFacade implements Channel<unknown> {
  constructor(
    private readonly ch: Channel<unknown>,
    private readonly wrap: (value: unknown) => unknown,
  ) {}

  put(value: unknown, options?: OperationOptions): Promise<boolean> {
    return this.ch.put(this.wrap(value), options);
  }

  putAsync(value: unknown, callback?: (accepted: boolean) => void): boolean {
    return this.ch.putAsync(this.wrap(value), callback);
  }

  offer(value: unknown): boolean {
    return this.ch.offer(this.wrap(value));
  }

  take(options?: OperationOptions): Promise<unknown> {
    return this.ch.take(options);
  }

  poll(): unknown {
    return this.ch.poll();
  }

  close(): void {
    this.ch.close();
  }

  get closed(): boolean {
    return this.ch.closed;
  }

  get size(): number {
    return this.ch.size;
  }

  get capacity(): number {
    return this.ch.capacity;
  }

  get bufferType(): Channel<unknown>["bufferType"] {
    return this.ch.bufferType;
  }

  get pendingPuts(): number {
    return this.ch.pendingPuts;
  }

  get pendingTakes(): number {
    return this.ch.pendingTakes;
  }

  get drops(): number {
    return this.ch.drops;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<unknown> {
    return this.ch[Symbol.asyncIterator]();
  }
}
