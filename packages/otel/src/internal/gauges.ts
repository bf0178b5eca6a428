import type { BatchObservableResult } from "@opentelemetry/api";
import type { ChannelStats, WorkersSystem } from "@workers/runtime";
import type { AttributeCache } from "./attributes.js";
import type { Instruments } from "./instruments.js";

/** What the gauges read of a system: `stats()`, and its definition when there is one. */
export type GaugeSource = Pick<WorkersSystem<any>, "stats"> &
  Partial<Pick<WorkersSystem<any>, "definition">>;

/** The `workers.channel.*` gauges: read from attached systems' `stats()` at collection time. */
export class ChannelGauges {
  readonly #systems = new Set<GaugeSource>();
  /** Input channel -> worker that takes from it (`null`: several do). */
  readonly #consumers = new Map<string, string | null>();

  attach(system: GaugeSource): void {
    const workers = system.definition?.workers;
    if (workers !== undefined) {
      for (const [name, worker] of Object.entries(workers)) {
        if (worker.in !== undefined) this.learnConsumer(worker.in, name);
      }
    }
    this.#systems.add(system);
  }

  /** Records which worker consumes a channel (for the gauges' `workers.worker`). */
  learnConsumer(channel: string, workerId: string): void {
    const known = this.#consumers.get(channel);
    if (known === undefined) this.#consumers.set(channel, workerId);
    else if (known !== null && known !== workerId) this.#consumers.set(channel, null);
  }

  observe(result: BatchObservableResult, m: Instruments, attrs: AttributeCache): void {
    for (const system of this.#systems) {
      let channels: Readonly<Record<string, ChannelStats>>;
      try {
        channels = system.stats().channels;
      } catch {
        this.#systems.delete(system);
        continue;
      }
      let open = 0;
      for (const name in channels) {
        const ch = channels[name];
        if (ch === undefined || ch.closed === true) continue;
        open++;
        const a = attrs.plain(name, this.#consumers.get(name) ?? undefined);
        result.observe(m.channelSize, ch.size, a);
        result.observe(m.pendingPuts, ch.pendingPuts, a);
        result.observe(m.pendingTakes, ch.pendingTakes, a);
      }
      // A stopped system has closed every channel: forget it.
      if (open === 0) this.#systems.delete(system);
    }
  }
}
