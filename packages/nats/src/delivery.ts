// A message handed to a worker: settled once by ack, nak, term (JetStream's `+ACK`, `-NAK`,
// `+TERM` on the message's reply subject); `working` (`+WPI`) restarts its ack wait.

import type { NatsConnection } from "@nats-io/transport-node";
import type { Delivery } from "@workers/runtime";

export class NatsDelivery implements Delivery {
  /** Set by the first settlement; later ones are ignored. */
  settled: "ack" | "nak" | "term" | undefined = undefined;
  value: unknown = undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly ackSubject: string,
    public id: string,
    readonly attempt: number,
    readonly ackWaitMs: number,
  ) {}

  get redelivered(): boolean {
    return this.attempt > 1;
  }

  ack(): void {
    this.settle("ack", "+ACK");
  }

  nak(delayMs = 0): void {
    this.settle(
      "nak",
      delayMs > 0 ? `-NAK ${JSON.stringify({ delay: Math.round(delayMs * 1e6) })}` : "-NAK",
    );
  }

  term(_reason?: unknown): void {
    this.settle("term", "+TERM");
  }

  working(): void {
    if (this.settled === undefined) this.send("+WPI");
  }

  private settle(how: "ack" | "nak" | "term", body: string): void {
    if (this.settled !== undefined) return;
    this.settled = how;
    this.send(body);
  }

  private send(body: string): void {
    // A closed connection: JetStream redelivers after ack_wait (at least once).
    try {
      this.nc.publish(this.ackSubject, body);
    } catch {}
  }
}

/**
 * The delivery count and sequences in a JetStream ack subject:
 * `$JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<cseq>.<ts>.<pending>` or the v2 form with
 * domain and account hash before the stream (and a token after).
 */
export function parseAckSubject(
  subject: string,
): { delivered: number; streamSeq: number; consumerSeq: number } | undefined {
  const t = subject.split(".");
  const at = t.length === 9 ? 4 : t.length >= 11 ? 6 : -1;
  if (at < 0 || t[0] !== "$JS" || t[1] !== "ACK") return undefined;
  return {
    delivered: Number(t[at]),
    streamSeq: Number(t[at + 1]),
    consumerSeq: Number(t[at + 2]),
  };
}
