// `ctx.channels[name]` when the system has an `inject` hook: puts call `inject` in the
// worker's context and wrap values for input channels in envelopes; everything else is the
// channel's own.

import type { Channel, OperationOptions } from "@workers/channels";
import type { Runtime } from "../system/runtime.js";

export class ChannelFacade implements Channel<unknown> {
  constructor(
    private readonly rt: Runtime,
    private readonly ch: Channel<unknown>,
    private readonly channelName: string,
    private readonly workerId: string,
  ) {}

  put(value: unknown, options?: OperationOptions): Promise<boolean> {
    return this.ch.put(this.rt.wrap(this.channelName, value, this.workerId), options);
  }

  putAsync(value: unknown, callback?: (accepted: boolean) => void): boolean {
    return this.ch.putAsync(this.rt.wrap(this.channelName, value, this.workerId), callback);
  }

  offer(value: unknown): boolean {
    return this.ch.offer(this.rt.wrap(this.channelName, value, this.workerId));
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
