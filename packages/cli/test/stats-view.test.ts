import { Writable } from "node:stream";
import type { DashboardStats } from "@workers/dashboard";
import { describe, expect, it } from "vitest";
import { Rates, renderLine, renderTable, StatsView } from "../src/run/stats-view.js";

const worker = (over: object = {}) => ({
  kind: "command" as const,
  dispatch: "go" as const,
  processed: 0,
  errors: 0,
  inFlight: 0,
  skippedTicks: 0,
  latencyMs: { p50: 1, p95: 2.5, p99: 3, max: 4 },
  ...over,
});
const channel = (over: object = {}) => ({
  size: 0,
  capacity: 4,
  bufferType: "fixed" as const,
  pendingPuts: 0,
  pendingTakes: 0,
  drops: 0,
  closed: false,
  ...over,
});
const stats = (at: number, workers: object, channels: object = {}): DashboardStats =>
  ({ at, uptimeMs: at, drops: { "jobs/in": 2 }, errors: {}, workers, channels }) as DashboardStats;

function sink() {
  let text = "";
  const stream = new Writable({
    write(chunk, _enc, cb) {
      text += String(chunk);
      cb();
    },
  });
  return { stream, text: () => text };
}

describe("stats view", () => {
  it("measures msg/s from processed and errors when the runtime reports no rate", () => {
    const rates = new Rates();
    rates.update(stats(1000, { a: worker({ processed: 0 }) }));
    expect(rates.update(stats(3000, { a: worker({ processed: 30, errors: 10 }) })).get("a")).toBe(
      20,
    );
    expect(rates.update(stats(4000, { a: worker({ processed: 40, rate: 7 }) })).get("a")).toBe(7);
  });

  it("draws a row a worker and a channel: state, figures, depth bar, drops", () => {
    const lines = renderTable(
      stats(
        1000,
        {
          jobs: worker({ processed: 12, inFlight: 1 }),
          idle: worker(),
          off: worker({ paused: true }),
        },
        { "jobs/in": channel({ size: 2 }) },
      ),
      new Map([["jobs", 3.25]]),
      "header",
      [{ text: "error   jobs: boom", count: 3 }],
    );
    expect(lines[0]).toBe("header");
    expect(lines.find((l) => l.startsWith("jobs "))).toMatch(
      /^jobs\s+busy\s+12\s+3\.3\s+1\s+0\s+2\.5$/,
    );
    expect(lines.find((l) => l.startsWith("idle "))).toMatch(/idle\s+0\s+-\s+0\s+0\s+-$/);
    expect(lines.find((l) => l.startsWith("off "))).toMatch(/^off\s+paused/);
    expect(lines.find((l) => l.startsWith("jobs/in"))).toMatch(/2\/4 █████····· +0 +2$/);
    expect(lines.at(-1)).toBe("error   jobs: boom (x3)");
  });

  it("off a terminal, prints a line only when a figure changed", () => {
    const out = sink();
    const view = new StatsView(out.stream, false);
    view.draw(stats(1000, { a: worker({ processed: 1 }) }), "h", []);
    view.draw(stats(2000, { a: worker({ processed: 1 }) }), "h", []);
    view.draw(stats(3000, { a: worker({ processed: 2 }) }), "h", []);
    view.end();
    expect(out.text().split("\n").filter(Boolean)).toEqual([
      "[1.0 s] processed: a 1 | depth:  | drops 2",
      "[3.0 s] processed: a 2 | depth:  | drops 2",
    ]);
    expect(renderLine(stats(0, { a: worker({ processed: 5, errors: 1 }) }))).toContain("a 5/1 err");
  });

  it("on a terminal, redraws in place and shows the cursor again at the end", () => {
    const out = sink();
    const view = new StatsView(out.stream, true);
    const s = stats(1000, { a: worker() });
    view.draw(s, "h", []);
    view.draw(s, "h", []);
    view.end();
    const n = renderTable(s, new Map(), "h", []).length;
    expect(out.text().startsWith("\x1b[?25l")).toBe(true);
    expect(out.text()).toContain(`\x1b[${n}F`);
    expect(out.text().endsWith("\x1b[?25h")).toBe(true);
  });
});
