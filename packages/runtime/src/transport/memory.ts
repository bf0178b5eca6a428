// The default transport: a channel of `@workers/channels` in this process. Deliveries are the
// values themselves (nothing to acknowledge), so a worker loop reads the channel directly.

import { type Channel, chan } from "@workers/channels";
import type { ChannelState } from "../types.js";
import type { Transport, TransportChannel, TransportChannelSpec, TransportHooks } from "./types.js";

/**
 * A channel's state for `TransportChannel.stats()`: what a transport that keeps messages in a
 * `@workers/channels` channel reports.
 */
export function channelState(ch: Channel<unknown>): ChannelState {
  return {
    size: ch.size,
    capacity: ch.capacity,
    bufferType: ch.bufferType,
    pendingPuts: ch.pendingPuts,
    pendingTakes: ch.pendingTakes,
    drops: ch.drops,
    closed: ch.closed,
  };
}

class MemoryChannel implements TransportChannel {
  readonly acknowledged = false;

  constructor(readonly channel: Channel<unknown>) {}

  poll(): unknown {
    return this.channel.poll();
  }

  take(options?: { signal?: AbortSignal }): Promise<unknown> {
    return this.channel.take(options);
  }

  stats(): ChannelState {
    return channelState(this.channel);
  }

  close(): void {
    this.channel.close();
  }
}

/** In-memory channels: the transport of every channel that names none. */
export const memoryTransport: Transport = {
  open(spec: TransportChannelSpec, hooks: TransportHooks): TransportChannel {
    return new MemoryChannel(
      chan<unknown>({ buffer: spec.buffer, bufferType: spec.bufferType, onDrop: hooks.onDrop }),
    );
  },
};
