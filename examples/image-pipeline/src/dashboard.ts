// The demo's terminal view: a progress bar and a table of channel depth, throughput, drops and
// errors, redrawn in place on a TTY (plain ANSI), or printed as one line a second otherwise.

/** The part of `stats()` the dashboard reads. */
export interface StatsView {
  readonly uptimeMs?: number;
  readonly threads?: {
    readonly threads: number;
    readonly utilization: number;
    readonly queueSize: number;
    readonly completed: number;
  };
  readonly drops?: Readonly<Record<string, number>>;
  readonly errors?: Readonly<Record<string, number>>;
  readonly channels?: Readonly<
    Record<
      string,
      {
        readonly size: number;
        readonly capacity: number;
        readonly pendingPuts?: number;
        readonly drops?: number;
      }
    >
  >;
  readonly workers?: Readonly<
    Record<
      string,
      {
        readonly processed: number;
        readonly errors: number;
        readonly inFlight: number;
        readonly latencyMs?: { readonly p50: number; readonly p95: number; readonly max?: number };
      }
    >
  >;
}

/** What one frame shows. */
export interface Frame {
  readonly total: number;
  readonly stored: number;
  readonly failed: number;
  /** Submissions the pipeline shed (answered 503) and the client sent again. */
  readonly retried: number;
  readonly elapsedMs: number;
  readonly stats: StatsView | undefined;
  /** Messages a second per worker, measured between frames. */
  readonly rates: Readonly<Record<string, number>>;
}

const ESC = "\x1b[";
const bold = (s: string, color: boolean): string => (color ? `${ESC}1m${s}${ESC}22m` : s);
const dim = (s: string, color: boolean): string => (color ? `${ESC}2m${s}${ESC}22m` : s);
const red = (s: string, color: boolean): string => (color ? `${ESC}31m${s}${ESC}39m` : s);
const green = (s: string, color: boolean): string => (color ? `${ESC}32m${s}${ESC}39m` : s);

/** A bar of `width` cells filled to `ratio` (0..1). */
export function bar(ratio: number, width: number): string {
  const r = Math.min(1, Math.max(0, Number.isFinite(ratio) ? ratio : 0));
  const full = Math.floor(r * width);
  const part = r * width - full > 0.5 && full < width ? 1 : 0;
  return "█".repeat(full) + (part ? "▌" : "") + "·".repeat(width - full - part);
}

const num = (n: number, digits = 0): string => (Number.isFinite(n) ? n.toFixed(digits) : "-");

const sum = (o: Readonly<Record<string, number>> | undefined): number =>
  o ? Object.values(o).reduce((a, b) => a + b, 0) : 0;

/** The full frame, one string per line (TTY mode). */
export function renderFrame(frame: Frame, color = true): string[] {
  const { total, stored, failed, retried, elapsedMs, stats, rates } = frame;
  const done = stored + failed;
  const seconds = elapsedMs / 1000;
  const lines: string[] = [];
  const pct = total > 0 ? (100 * done) / total : 0;
  lines.push(
    `${bold("image-pipeline", color)}  [${bar(total > 0 ? done / total : 0, 32)}] ${done}/${total} ${num(pct)}%  ${num(stored / Math.max(seconds, 0.001), 1)} img/s  ${num(seconds, 1)} s`,
  );
  lines.push(
    `stored ${green(String(stored), color)}  failed ${failed > 0 ? red(String(failed), color) : "0"}  shed+retried ${retried}`,
  );
  lines.push("");
  lines.push(dim("channel          depth              drops", color));
  for (const [name, ch] of Object.entries(stats?.channels ?? {})) {
    const cap = ch.capacity;
    const depth = `${ch.size}/${cap}`.padStart(5);
    const drops = ch.drops ?? stats?.drops?.[name] ?? 0;
    lines.push(
      `${name.padEnd(16)} ${depth} ${bar(cap > 0 ? ch.size / cap : 0, 10)}  ${drops > 0 ? red(String(drops).padStart(6), color) : String(drops).padStart(6)}`,
    );
  }
  const pool = stats?.threads;
  if (pool) {
    lines.push(
      dim(
        `thread pool: ${pool.threads} threads, ${num(pool.utilization * 100)}% busy, ${pool.queueSize} queued, ${pool.completed} tasks done`,
        color,
      ),
    );
  }
  lines.push("");
  lines.push(dim("worker           processed  in-flight   msg/s   p95 ms   errors", color));
  for (const [name, w] of Object.entries(stats?.workers ?? {})) {
    const errors = stats?.errors?.[name] ?? w.errors;
    lines.push(
      `${name.padEnd(16)} ${String(w.processed).padStart(9)}  ${String(w.inFlight).padStart(9)}  ${num(rates[name] ?? 0, 1).padStart(6)}  ${num(w.latencyMs?.p95 ?? Number.NaN, 1).padStart(7)}   ${errors > 0 ? red(String(errors).padStart(6), color) : String(errors).padStart(6)}`,
    );
  }
  return lines;
}

/** One line for logs (non-TTY mode). */
export function renderLine(frame: Frame): string {
  const { total, stored, failed, retried, elapsedMs, stats } = frame;
  const depth = Object.entries(stats?.channels ?? {})
    .map(([name, ch]) => `${name} ${ch.size}/${ch.capacity}`)
    .join(", ");
  return `[${num(elapsedMs / 1000, 1).padStart(5)} s] ${stored + failed}/${total} done (${stored} stored, ${failed} failed, ${retried} retried) | depth: ${depth} | drops ${sum(stats?.drops)} | errors ${sum(stats?.errors)}`;
}

/** Tracks per-worker throughput between frames (exponentially smoothed). */
export class RateMeter {
  readonly #last = new Map<string, { processed: number; at: number }>();
  readonly #rates: Record<string, number> = {};

  update(stats: StatsView | undefined, now: number): Readonly<Record<string, number>> {
    for (const [name, w] of Object.entries(stats?.workers ?? {})) {
      const last = this.#last.get(name);
      this.#last.set(name, { processed: w.processed, at: now });
      if (last === undefined || now <= last.at) continue;
      const rate = ((w.processed - last.processed) * 1000) / (now - last.at);
      const prev = this.#rates[name];
      this.#rates[name] = prev === undefined ? rate : prev * 0.6 + rate * 0.4;
    }
    return this.#rates;
  }
}

/** Draws frames on a stream: in place on a TTY, as periodic lines otherwise. */
export class Dashboard {
  readonly #out: NodeJS.WriteStream | NodeJS.WritableStream;
  readonly #tty: boolean;
  #drawn = 0;
  #lastLineAt = Number.NEGATIVE_INFINITY;
  readonly #lineEveryMs: number;

  constructor(
    out: NodeJS.WriteStream | NodeJS.WritableStream,
    options: { tty?: boolean; lineEveryMs?: number } = {},
  ) {
    this.#out = out;
    this.#tty = options.tty ?? ("isTTY" in out && out.isTTY === true);
    this.#lineEveryMs = options.lineEveryMs ?? 1000;
  }

  get tty(): boolean {
    return this.#tty;
  }

  /** Draws a frame (on a TTY, over the previous one). `force` prints a line even off-TTY. */
  draw(frame: Frame, force = false): void {
    if (this.#tty) {
      const lines = renderFrame(frame, true);
      let s = this.#drawn > 0 ? `${ESC}${this.#drawn}F` : `${ESC}?25l`;
      for (const line of lines) s += `${ESC}2K${line}\n`;
      s += `${ESC}0J`;
      this.#out.write(s);
      this.#drawn = lines.length;
      return;
    }
    if (force || frame.elapsedMs - this.#lastLineAt >= this.#lineEveryMs) {
      this.#lastLineAt = frame.elapsedMs;
      this.#out.write(`${renderLine(frame)}\n`);
    }
  }

  /** Leaves the last frame on screen and shows the cursor again. */
  end(): void {
    if (this.#tty) this.#out.write(`${ESC}?25h`);
    this.#drawn = 0;
  }
}
