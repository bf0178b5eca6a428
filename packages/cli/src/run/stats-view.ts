// `workers run`'s view of the stats: a compact table redrawn in place on a terminal, or one
// plain line when something changed (a file, a pipe, a CI log).
import type { DashboardStats } from "@workers/dashboard";

const ESC = "\x1b[";

/** A notable event kept for the view (errors and guard warnings), with a repeat count. */
export interface NotedEvent {
  readonly text: string;
  count: number;
}

const num = (n: number | undefined, digits = 0): string =>
  typeof n === "number" && Number.isFinite(n) ? n.toFixed(digits) : "-";

function bar(ratio: number, width: number): string {
  const r = Math.min(1, Math.max(0, Number.isFinite(ratio) ? ratio : 0));
  const full = Math.round(r * width);
  return "█".repeat(full) + "·".repeat(width - full);
}

/** Messages a second per worker: the runtime's `rate` when it reports one, else measured. */
export class Rates {
  readonly #last = new Map<string, { done: number; at: number }>();
  readonly #rates = new Map<string, number>();

  update(stats: DashboardStats): ReadonlyMap<string, number> {
    for (const [name, w] of Object.entries(stats.workers)) {
      if (typeof w.rate === "number") {
        this.#rates.set(name, w.rate);
        continue;
      }
      const done = w.processed + w.errors;
      const last = this.#last.get(name);
      this.#last.set(name, { done, at: stats.at });
      if (last === undefined || stats.at <= last.at) continue;
      const rate = ((done - last.done) * 1000) / (stats.at - last.at);
      const prev = this.#rates.get(name);
      this.#rates.set(name, prev === undefined ? rate : prev * 0.5 + rate * 0.5);
    }
    return this.#rates;
  }
}

const pad = (s: string, n: number): string =>
  s.length > n ? `${s.slice(0, n - 1)}…` : s.padEnd(n);

/** The table, one string per line. */
export function renderTable(
  stats: DashboardStats,
  rates: ReadonlyMap<string, number>,
  header: string,
  events: readonly NotedEvent[],
): string[] {
  const names = [...Object.keys(stats.workers), ...Object.keys(stats.channels)];
  const w = Math.min(28, Math.max(10, ...names.map((n) => n.length + 1)));
  const lines = [header, ""];
  lines.push(
    `${pad("worker", w)} ${"state".padEnd(6)} ${"processed".padStart(10)} ${"msg/s".padStart(8)} ${"in flight".padStart(9)} ${"errors".padStart(7)} ${"p95 ms".padStart(8)}`,
  );
  for (const [name, s] of Object.entries(stats.workers)) {
    const state = s.paused === true ? "paused" : s.inFlight > 0 ? "busy" : "idle";
    const seen = s.processed + s.errors > 0;
    lines.push(
      `${pad(name, w)} ${state.padEnd(6)} ${String(s.processed).padStart(10)} ${num(rates.get(name), 1).padStart(8)} ${String(s.inFlight).padStart(9)} ${String(stats.errors[name] ?? s.errors).padStart(7)} ${(seen ? num(s.latencyMs.p95, 1) : "-").padStart(8)}`,
    );
  }
  lines.push("");
  lines.push(
    `${pad("channel", w)} ${"depth".padStart(9)} ${"".padEnd(10)} ${"waiting".padStart(8)} ${"drops".padStart(7)}`,
  );
  for (const [name, c] of Object.entries(stats.channels)) {
    const ratio = c.capacity > 0 ? c.size / c.capacity : c.pendingPuts > 0 ? 1 : 0;
    lines.push(
      `${pad(name, w)} ${`${c.size}/${c.capacity}`.padStart(9)} ${bar(ratio, 10)} ${String(c.pendingPuts).padStart(8)} ${String(stats.drops[name] ?? c.drops).padStart(7)}`,
    );
  }
  if (events.length > 0) {
    lines.push("");
    for (const e of events) lines.push(e.count > 1 ? `${e.text} (x${e.count})` : e.text);
  }
  return lines;
}

/** One line for logs. */
export function renderLine(stats: DashboardStats): string {
  const workers = Object.entries(stats.workers)
    .map(([name, w]) => `${name} ${w.processed}${w.errors > 0 ? `/${w.errors} err` : ""}`)
    .join(", ");
  const depth = Object.entries(stats.channels)
    .map(([name, c]) => `${name} ${c.size}/${c.capacity}`)
    .join(", ");
  const drops = Object.values(stats.drops).reduce((a, b) => a + b, 0);
  return `[${num(stats.uptimeMs / 1000, 1)} s] processed: ${workers} | depth: ${depth} | drops ${drops}`;
}

/** Draws the stats on a stream: in place on a TTY, as a line when it changed otherwise. */
export class StatsView {
  readonly #out: NodeJS.WritableStream;
  readonly tty: boolean;
  readonly #rates = new Rates();
  #drawn = 0;
  #lastLine = "";

  constructor(out: NodeJS.WritableStream & { isTTY?: boolean }, tty: boolean = out.isTTY === true) {
    this.#out = out;
    this.tty = tty;
  }

  draw(stats: DashboardStats, header: string, events: readonly NotedEvent[]): void {
    const rates = this.#rates.update(stats);
    if (this.tty) {
      const lines = renderTable(stats, rates, header, events);
      let s = this.#drawn > 0 ? `${ESC}${this.#drawn}F` : `${ESC}?25l`;
      for (const line of lines) s += `${ESC}2K${line}\n`;
      s += `${ESC}0J`;
      this.#out.write(s);
      this.#drawn = lines.length;
      return;
    }
    // Off a terminal, a line only when a figure changed (the uptime prefix does not count).
    const line = renderLine(stats);
    const figures = line.slice(line.indexOf("]"));
    if (figures === this.#lastLine) return;
    this.#lastLine = figures;
    this.#out.write(`${line}\n`);
  }

  /** Leaves the last table on screen and shows the cursor again. */
  end(): void {
    if (this.tty && this.#drawn > 0) this.#out.write(`${ESC}?25h`);
    this.#drawn = 0;
  }
}
