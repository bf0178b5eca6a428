// The page in a real browser: every channel and worker of the definition is drawn, and the
// figures follow the system as commands go through it. Saves a screenshot to test/artifacts/.
import { mkdirSync } from "node:fs";
import { defineWorkers } from "@workers/config";
import { startWorkers, type WorkerStats, type WorkersSystem } from "@workers/runtime";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type DashboardServer,
  type DashboardSystem,
  serveDashboard,
  topology,
} from "../src/index.js";
import { launchChromium } from "./chromium.js";
import { topologyWith } from "./helpers.js";

const artifacts = new URL("./artifacts/", import.meta.url);

// `jobs` waits on a gate the test opens, so messages can be held in its input channel.
let open: () => void = () => {};
let gate = Promise.resolve();
const closeGate = (): void => {
  gate = new Promise((resolve) => {
    open = resolve;
  });
};

const base = topologyWith(async (_ctx, msg: { n: number; fail?: boolean }) => {
  await gate;
  if (msg.fail) throw new Error(`job ${msg.n} failed`);
  return msg.n * 2;
});
// The page counts what errorLog takes from workers/errors.
const definition = defineWorkers({
  channels: base.channels,
  workers: {
    ...base.workers,
    errorLog: { kind: "command", in: "workers/errors", workerFn: () => {} },
  },
});

let browser: Browser;
let system: WorkersSystem<typeof definition>;
let dashboard: DashboardServer;
let page: Page;
const pageErrors: string[] = [];

const field = (node: string, name: string) =>
  page.locator(`svg [data-node="${node}"] [data-field="${name}"]`);

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  system = await startWorkers(definition, { obs: () => {} });
  dashboard = await serveDashboard(system, { port: 0, intervalMs: 100, title: "browser test" });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1100, height: 820 } });
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") pageErrors.push(message.text());
  });
  await page.goto(dashboard.url);
});

afterAll(async () => {
  open();
  await browser?.close();
  await system?.stop();
  await dashboard?.close();
});

describe("dashboard page in Chromium", () => {
  it("draws every channel and worker of the definition, and every edge", async () => {
    const { nodes, edges } = topology(system.definition);
    for (const node of nodes) {
      const drawn = page.locator(`svg [data-node="${node.id}"]`);
      await expect.poll(() => drawn.count()).toBe(1);
      expect(await drawn.getAttribute("data-kind")).toBe(node.kind);
      expect(await drawn.locator(".name").textContent()).toBe(node.name);
      expect(await page.locator(`tr[data-row="${node.id}"]`).count()).toBe(1);
    }
    expect(await page.locator("svg [data-node]").count()).toBe(nodes.length);
    expect(await page.locator("svg path.edge").count()).toBe(edges.length);
    for (const edge of edges) {
      const drawn = page.locator(`svg path[data-edge="${edge.from}>${edge.to}"]`);
      expect(await drawn.getAttribute("data-role")).toBe(edge.role);
    }
    await expect.poll(() => page.locator("body").getAttribute("data-status")).toBe("live");
  });

  it("shows commands going through: processed, depth, errors", async () => {
    closeGate();
    for (let n = 1; n <= 5; n++) await system.command("jobs", { n });
    // One taken by the worker (in flight), four waiting in the buffer of 4.
    await expect.poll(() => field("channel:jobs/in", "depth").textContent()).toBe("4/4");
    await expect.poll(() => field("worker:jobs", "inFlight").textContent()).toBe("1");
    expect(await page.locator('svg [data-node="channel:jobs/in"]').getAttribute("data-level")).toBe(
      "full",
    );
    expect(await page.locator('svg [data-node="worker:jobs"]').getAttribute("data-state")).toBe(
      "busy",
    );
    await page.screenshot({
      path: new URL("dashboard-busy.png", artifacts).pathname,
      fullPage: true,
    });

    open();
    await system.command("jobs", { n: 6, fail: true });
    await expect.poll(() => field("worker:jobs", "processed").textContent()).toBe("5");
    await expect.poll(() => field("worker:jobs", "errors").textContent()).toBe("1");
    await expect.poll(() => field("worker:results", "processed").textContent()).toBe("5");
    await expect.poll(() => field("worker:errorLog", "processed").textContent()).toBe("1");
    await expect.poll(() => field("channel:jobs/in", "depth").textContent()).toBe("0/4");
    const jobs = page.locator('svg [data-node="worker:jobs"]');
    expect(await jobs.getAttribute("class")).toContain("failing");
    // Its fail edge shows the failure flowing to workers/errors.
    const failEdge = page.locator('svg path[data-edge="worker:jobs>channel:workers/errors"]');
    await expect.poll(() => failEdge.getAttribute("class")).toContain("active");
    expect(
      await page.locator('tr[data-row="worker:jobs"] [data-field="processed"]').textContent(),
    ).toBe("5");
    expect(await page.locator('[data-field="total-errors"]').textContent()).toBe("1");
    expect(pageErrors).toEqual([]);
    await page.screenshot({ path: new URL("dashboard.png", artifacts).pathname, fullPage: true });
  });

  it("says the system stopped when it stops, and the stream ends", async () => {
    await system.stop();
    await expect.poll(() => page.locator("body").getAttribute("data-status")).toBe("stopped");
    await expect.poll(() => dashboard.handler.clients).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});

// A stand-in system whose stats the test writes: paused workers, and a runtime that does (or
// does not) report `rate`.
describe("dashboard page with runtime-reported rate and paused", () => {
  it("uses rate and paused when stats carry them, and measures rate when not", async () => {
    const real = await startWorkers(definition, { obs: () => {} });
    const base = real.stats();
    await real.stop();
    let current: ReturnType<typeof real.stats> = base;
    const fake: DashboardSystem = {
      definition: real.definition,
      state: "running",
      stats: () => current,
    };
    const served = await serveDashboard(fake, { port: 0, intervalMs: 50 });
    const p = await browser.newPage();
    try {
      const at = Date.now();
      // A stats snapshot without `rate` and `paused` (a runtime older than both).
      const { rate: _rate, paused: _paused, ...plain } = base.workers.jobs!;
      const worker = (over: object) => ({ ...plain, ...over }) as WorkerStats;
      current = {
        ...base,
        at,
        workers: { ...base.workers, jobs: worker({ processed: 0 }) },
      };
      await p.goto(served.url);
      // The page has drawn the first snapshot before the second is written.
      await expect.poll(() => p.locator("body").getAttribute("data-updated")).toBe(String(at));
      const jobs = (name: string) =>
        p.locator(`svg [data-node="worker:jobs"] [data-field="${name}"]`);
      // Without `rate`, the page measures it: 40 more processed over 2 s of stats time.
      current = {
        ...base,
        at: at + 2000,
        workers: { ...base.workers, jobs: worker({ processed: 40 }) },
      };
      await expect.poll(() => jobs("rate").textContent()).toBe("20.0");
      // With `rate` and `paused`, the page shows the runtime's figures.
      current = {
        ...base,
        at: at + 3000,
        workers: { ...base.workers, jobs: worker({ processed: 41, rate: 12.5, paused: true }) },
      };
      await expect.poll(() => jobs("rate").textContent()).toBe("12.5");
      await expect.poll(() => jobs("state").textContent()).toBe("paused");
      expect(await p.locator('svg [data-node="worker:jobs"]').getAttribute("data-state")).toBe(
        "paused",
      );
    } finally {
      await p.close();
      await served.close();
    }
  });
});
