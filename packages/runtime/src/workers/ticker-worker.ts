// A ticker: slot k falls at start + initialDelayMs + k * intervalMs. Each timer is set for the
// next slot from the start time (no drift). When it fires late, the slots it missed are skipped
// (counted, never fired in a burst); when the previous tick's function is still running, the
// slot is skipped too (no overlap). The tick number is the slot index, so skips leave gaps.

import type { NormalizedWorker } from "@workers/config";
import type { WorkerHost } from "../system/host.js";
import { Worker, type WorkerDeps } from "./worker.js";

export class TickerWorker extends Worker {
  readonly intervalMs: number;
  readonly initialDelayMs: number;
  readonly out: string | undefined;
  private base = 0;
  private timer: ReturnType<typeof setTimeout> | undefined = undefined;
  private running = false;
  private halted = false;

  constructor(host: WorkerHost, def: NormalizedWorker, deps: WorkerDeps) {
    super(host, def, deps);
    this.intervalMs = Math.max(1, def.intervalMs ?? 1000);
    this.initialDelayMs = Math.max(0, def.initialDelayMs ?? this.intervalMs);
    this.out = def.out;
  }

  start(): void {
    this.base = performance.now() + this.initialDelayMs;
    this.schedule(0);
  }

  halt(): void {
    this.halted = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(slot: number): void {
    const delay = Math.max(0, this.base + slot * this.intervalMs - performance.now());
    this.timer = setTimeout(() => this.fire(slot), delay);
  }

  private fire(expected: number): void {
    this.timer = undefined;
    if (this.halted) return;
    let slot = Math.floor((performance.now() - this.base) / this.intervalMs);
    if (slot < expected) slot = expected;
    this.skippedTicks += slot - expected;
    if (this.running || this.paused) this.skippedTicks++;
    else this.tick(slot);
    if (!this.halted) this.schedule(slot + 1);
  }

  private tick(n: number): void {
    if (this.out !== undefined) this.host.deliver(this.out, n, this.name, "ticker-output-drop");
    if (!this.hasFunction) {
      this.outcomes.processedQuietly();
      return;
    }
    const pending = this.executor.run(undefined, n, undefined);
    if (pending !== undefined) {
      this.running = true;
      void pending.then(() => {
        this.running = false;
      });
    }
  }
}
