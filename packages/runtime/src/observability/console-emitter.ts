// The emitter used when the components name none: errors with their stack, guard warnings, and
// drops as one line of counts per channel at most once a second. Start and stop are silent.

import type { CustomEvent, WorkersEvent } from "../types.js";

/** Where the default emitter writes (the console; tests pass their own). */
export interface ConsoleLike {
  error(...args: unknown[]): void;
  warn(...args: unknown[]): void;
}

/** How often, at most, the default emitter reports drops. */
export const DROP_REPORT_MS = 1000;

/** The default emitter: reports to `out` (the console). */
export function consoleEmitter(
  out: ConsoleLike = console,
): (event: WorkersEvent | CustomEvent) => void {
  // channel -> reason -> count, since the last report. Keyed by the user's names: a Map.
  let pending: Map<string, Map<string, number>> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const report = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const counts = pending;
    pending = undefined;
    if (counts === undefined) return;
    const parts: string[] = [];
    for (const [channel, reasons] of counts) {
      const each = [...reasons].map(([reason, n]) => `${n} ${reason}`).join(", ");
      parts.push(`${channel}: ${each}`);
    }
    out.warn(`[workers] dropped ${parts.join("; ")}`);
  };

  return (event) => {
    switch (event.type) {
      case "workers.error": {
        const e = event as Extract<WorkersEvent, { type: "workers.error" }>;
        const where = e.channel === undefined ? "" : ` (from ${e.channel})`;
        out.error(`[workers] worker "${e.workerId}" failed${where}:`, e.error);
        return;
      }
      case "workers.guard":
        out.warn(
          `[workers] ${(event as Extract<WorkersEvent, { type: "workers.guard" }>).message}`,
        );
        return;
      case "workers.drop": {
        const e = event as Extract<WorkersEvent, { type: "workers.drop" }>;
        pending ??= new Map();
        let reasons = pending.get(e.channel);
        if (reasons === undefined) {
          reasons = new Map();
          pending.set(e.channel, reasons);
        }
        reasons.set(e.reason, (reasons.get(e.reason) ?? 0) + 1);
        if (timer === undefined) {
          timer = setTimeout(report, DROP_REPORT_MS);
          // Reporting never keeps a process alive; what is left is reported at stop.
          timer.unref?.();
        }
        return;
      }
      case "workers.stop":
        report();
        return;
      default:
        return;
    }
  };
}
