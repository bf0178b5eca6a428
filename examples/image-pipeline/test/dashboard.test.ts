import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import {
  bar,
  Dashboard,
  type Frame,
  RateMeter,
  renderFrame,
  renderLine,
} from "../src/dashboard.js";

const stats = {
  threads: { threads: 2, utilization: 0.5, queueSize: 3, completed: 77 },
  drops: { "images/in": 3 },
  errors: { "image-resize": 1 },
  channels: {
    "images/in": { size: 4, capacity: 4, drops: 3 },
    "images/resize": { size: 1, capacity: 2, drops: 0 },
  },
  workers: {
    "image-download": { processed: 40, errors: 0, inFlight: 1, latencyMs: { p50: 2, p95: 5.5 } },
    "image-resize": { processed: 38, errors: 1, inFlight: 1, latencyMs: { p50: 9, p95: 14 } },
  },
};

const frame = (over: Partial<Frame> = {}): Frame => ({
  total: 100,
  stored: 37,
  failed: 1,
  retried: 3,
  elapsedMs: 2000,
  stats,
  rates: { "image-download": 20, "image-resize": 19 },
  ...over,
});

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

describe("dashboard", () => {
  it("bar fills in proportion and clamps", () => {
    expect(bar(0, 4)).toBe("····");
    expect(bar(0.5, 4)).toBe("██··");
    expect(bar(1, 4)).toBe("████");
    expect(bar(7, 4)).toBe("████");
    expect(bar(Number.NaN, 4)).toBe("····");
  });

  it("a frame shows progress, every channel's depth and drops, every worker's figures", () => {
    const lines = renderFrame(frame(), false);
    expect(lines[0]).toContain("38/100 38%");
    expect(lines.find((l) => l.startsWith("images/in"))).toMatch(/4\/4 █{10}\s+3$/);
    expect(lines.find((l) => l.startsWith("images/resize"))).toMatch(/1\/2 █{5}·{5}\s+0$/);
    expect(lines.find((l) => l.startsWith("image-resize"))).toMatch(/38\s+1\s+19\.0\s+14\.0\s+1$/);
    expect(lines).toContain("thread pool: 2 threads, 50% busy, 3 queued, 77 tasks done");
    expect(lines.join("\n")).not.toContain("\x1b[");
  });

  it("a log line sums drops and errors", () => {
    const line = renderLine(frame());
    expect(line).toContain("38/100 done (37 stored, 1 failed, 3 retried)");
    expect(line).toContain("images/in 4/4");
    expect(line).toContain("drops 3 | errors 1");
  });

  it("redraws in place on a TTY and restores the cursor at the end", () => {
    const s = sink();
    const d = new Dashboard(s.stream, { tty: true });
    d.draw(frame());
    d.draw(frame({ stored: 50 }));
    d.end();
    const n = renderFrame(frame(), true).length;
    expect(s.text().startsWith("\x1b[?25l")).toBe(true);
    expect(s.text()).toContain(`\x1b[${n}F`);
    expect(s.text().endsWith("\x1b[?25h")).toBe(true);
  });

  it("prints at most one line per interval off a TTY, unless forced", () => {
    const s = sink();
    const d = new Dashboard(s.stream, { tty: false, lineEveryMs: 1000 });
    d.draw(frame({ elapsedMs: 0 }));
    d.draw(frame({ elapsedMs: 500 }));
    d.draw(frame({ elapsedMs: 1000 }));
    d.draw(frame({ elapsedMs: 1200 }), true);
    expect(s.text().trim().split("\n")).toHaveLength(3);
    expect(s.text()).not.toContain("\x1b[");
  });

  it("rate meter measures processed messages per second between frames", () => {
    const m = new RateMeter();
    const at = (processed: number) => ({
      workers: { w: { processed, errors: 0, inFlight: 0 } },
    });
    m.update(at(0), 0);
    expect(m.update(at(10), 1000).w).toBe(10);
    expect(m.update(at(10), 2000).w).toBeCloseTo(6);
  });
});
