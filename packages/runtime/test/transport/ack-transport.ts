// A test transport with acknowledgements: messages live in a `@workers/channels` channel (the
// "stream"); a consumer gets `Delivery` objects that must be settled once each (ack, nak,
// term). Faults it can simulate: duplicate deliveries (a replica that died before its ack) and
// naks that come back after a delay. It records every settlement, to check conservation.

import { alts, chan } from "@workers/channels";
import {
  type ChannelState,
  channelState,
  type Delivery,
  type Transport,
  type TransportChannel,
  type TransportChannelSpec,
  type TransportHooks,
} from "../../src/index.js";

export type Settlement = "ack" | "nak" | "term";

export interface AckTransportOptions {
  /** Every n-th delivery is handed out a second time (redelivered). 0: never. */
  readonly duplicateEvery?: number;
  /** Announced on each delivery: the runtime sends `working()` every half of it. */
  readonly ackWaitMs?: number;
}

/** One message the stream accepted, and what became of it. */
export interface StreamMessage {
  readonly id: string;
  readonly value: unknown;
  /** Deliveries handed out, in order, with how each was settled (undefined: not yet). */
  readonly deliveries: { attempt: number; settled: Settlement[]; nakDelays?: number[] }[];
  /** ack/term of any delivery ends the message; a nak puts it back. */
  state: "stored" | "delivered" | "acked" | "termed";
}

/** A message to hand out again: after a nak, or as a duplicate (its ack was lost). */
interface Again {
  readonly message: StreamMessage;
  readonly attempt: number;
  readonly duplicate: boolean;
}

class AckDelivery implements Delivery {
  readonly settled: Settlement[];

  constructor(
    private readonly owner: AckChannel,
    readonly message: StreamMessage,
    readonly attempt: number,
  ) {
    this.settled = [];
    message.deliveries.push({ attempt, settled: this.settled });
  }

  get value(): unknown {
    return this.message.value;
  }
  get id(): string {
    return this.message.id;
  }
  get redelivered(): boolean {
    return this.attempt > 1;
  }
  ack(): void {
    this.settle("ack");
  }
  nak(delayMs = 0): void {
    const record = this.message.deliveries.find((d) => d.settled === this.settled)!;
    if (delayMs > 0) (record.nakDelays ??= []).push(delayMs);
    this.settle("nak", delayMs);
  }
  term(): void {
    this.settle("term");
  }
  /** When `working()` was called (performance.now()). */
  readonly heartbeats: number[] = [];
  working(): void {
    this.heartbeats.push(performance.now());
    this.owner.workingCalls.push(this);
  }
  get ackWaitMs(): number | undefined {
    return this.owner.ackWaitMs;
  }

  private settle(how: Settlement, delayMs = 0): void {
    this.settled.push(how);
    if (this.settled.length > 1) return; // a second settlement: recorded, checked by the test
    this.owner.settled(this, how, delayMs);
  }
}

class AckChannel implements TransportChannel {
  readonly acknowledged = true;
  /** Where producers put: plain values (envelopes) with the channel's own backpressure. */
  readonly channel;
  /** Deliveries to hand out before taking from the stream (naks, duplicates). */
  private readonly again = chan<Again>(1 << 20);
  readonly messages: StreamMessage[] = [];
  readonly workingCalls: AckDelivery[] = [];
  readonly ackWaitMs: number | undefined;
  private delivered = 0;
  private nextId = 0;

  constructor(
    spec: TransportChannelSpec,
    hooks: TransportHooks,
    private readonly options: AckTransportOptions,
  ) {
    this.ackWaitMs = options.ackWaitMs;
    this.channel = chan<unknown>({
      buffer: spec.buffer,
      bufferType: spec.bufferType,
      onDrop: hooks.onDrop,
    });
  }

  private wrap(value: unknown): AckDelivery | undefined {
    if (value === undefined) return undefined;
    const message: StreamMessage = {
      id: `m${++this.nextId}`,
      value,
      deliveries: [],
      state: "stored",
    };
    this.messages.push(message);
    return this.deliver(message, 1);
  }

  private deliver(message: StreamMessage, attempt: number): AckDelivery {
    message.state = "delivered";
    const d = new AckDelivery(this, message, attempt);
    const every = this.options.duplicateEvery ?? 0;
    if (every > 0 && ++this.delivered % every === 0) {
      this.again.offer({ message, attempt: attempt + 1, duplicate: true });
    }
    return d;
  }

  /** A delivery handed out again (a nak, a duplicate), unless its message has ended since. */
  private redeliver(): AckDelivery | undefined {
    for (let next = this.again.poll(); next !== undefined; next = this.again.poll()) {
      const delivery = this.handOut(next);
      if (delivery !== undefined) return delivery;
    }
    return undefined;
  }

  poll(): unknown {
    return this.redeliver() ?? this.wrap(this.channel.poll());
  }

  async take(options?: { signal?: AbortSignal }): Promise<unknown> {
    const ready = this.poll();
    if (ready !== undefined) return ready;
    const { value, channel } = await alts([this.again, this.channel], {
      priority: true,
      signal: options?.signal,
    });
    if (channel !== this.again) return this.wrap(value);
    return this.handOut(value as Again) ?? this.take(options);
  }

  /** A nak'ed message comes back unless it ended since; a duplicate comes back regardless. */
  private handOut(next: Again): AckDelivery | undefined {
    const m = next.message;
    if (!next.duplicate) {
      if (m.state !== "stored") return undefined;
      m.state = "delivered";
    }
    return new AckDelivery(this, m, next.attempt);
  }

  settled(d: AckDelivery, how: Settlement, delayMs: number): void {
    const m = d.message;
    if (m.state === "acked" || m.state === "termed") return;
    if (how === "ack") m.state = "acked";
    else if (how === "term") m.state = "termed";
    else {
      m.state = "stored";
      const back = (): void => {
        this.again.offer({ message: m, attempt: d.attempt + 1, duplicate: false });
      };
      if (delayMs > 0) setTimeout(back, delayMs);
      else back();
    }
  }

  /** Messages still in the stream (never delivered, or handed back). */
  remaining(): number {
    const ch = this.channel;
    return ch.size + ch.pendingPuts + this.messages.filter((m) => m.state === "stored").length;
  }

  stats(): ChannelState {
    // What the stream holds: never delivered, or handed back.
    return { ...channelState(this.channel), size: this.remaining() };
  }

  close(): void {
    this.channel.close();
  }
}

export interface AckTransport extends Transport {
  readonly channels: Map<string, AckChannel>;
  closed: number;
}

export function ackTransport(options: AckTransportOptions = {}): AckTransport {
  const channels = new Map<string, AckChannel>();
  return {
    channels,
    closed: 0,
    open(spec, hooks) {
      const ch = new AckChannel(spec, hooks, options);
      channels.set(spec.name, ch);
      return ch;
    },
    close() {
      this.closed++;
    },
  };
}
