import { defineWorkers, parseDefinition } from "@workers/config";
import { describe, expect, it } from "vitest";
import { layoutTopology, NODE_HEIGHT, NODE_WIDTH } from "../src/page/layout.js";
import { topology } from "../src/topology.js";
import { definition } from "./helpers.js";

describe("topology", () => {
  it("has every channel and worker as a node, and in/output/fail/out edges", async () => {
    const normalized = await parseDefinition(definition);
    const { nodes, edges } = topology(normalized);
    expect(nodes.map((n) => n.id)).toEqual([
      "channel:jobs/in",
      "channel:jobs/out",
      "channel:workers/errors",
      "channel:ticks",
      "worker:jobs",
      "worker:results",
      "worker:heartbeat",
    ]);
    expect(nodes.find((n) => n.id === "worker:heartbeat")).toMatchObject({
      workerKind: "ticker",
      intervalMs: 60_000,
    });
    expect(nodes.find((n) => n.id === "channel:ticks")).toMatchObject({
      bufferType: "sliding",
      buffer: 1,
      putMode: "async",
    });
    expect(edges).toEqual([
      { from: "channel:jobs/in", to: "worker:jobs", role: "in" },
      { from: "worker:jobs", to: "channel:jobs/out", role: "output" },
      { from: "worker:jobs", to: "channel:workers/errors", role: "fail" },
      { from: "channel:jobs/out", to: "worker:results", role: "in" },
      { from: "worker:heartbeat", to: "channel:ticks", role: "out" },
    ]);
  });

  it("keeps a channel and a worker of the same name apart", async () => {
    const normalized = await parseDefinition(
      defineWorkers({
        channels: { jobs: { buffer: 1 } },
        workers: { jobs: { kind: "command", in: "jobs", workerFn: () => {} } },
      }),
    );
    expect(topology(normalized).edges).toEqual([
      { from: "channel:jobs", to: "worker:jobs", role: "in" },
    ]);
  });
});

describe("layout", () => {
  const overlaps = (a: { x: number; y: number }, b: { x: number; y: number }): boolean =>
    Math.abs(a.x - b.x) < NODE_WIDTH && Math.abs(a.y - b.y) < NODE_HEIGHT;

  it("places every node inside the drawing, none overlapping, edges pointing right", async () => {
    const t = topology(await parseDefinition(definition));
    const layout = layoutTopology(t);
    const placed = [...layout.nodes.values()];
    expect(placed).toHaveLength(t.nodes.length);
    for (const [i, a] of placed.entries()) {
      expect(a.x + NODE_WIDTH).toBeLessThanOrEqual(layout.width);
      expect(a.y + NODE_HEIGHT).toBeLessThanOrEqual(layout.height);
      for (const b of placed.slice(i + 1)) expect(overlaps(a, b), `${a.id} / ${b.id}`).toBe(false);
    }
    for (const e of layout.edges) {
      expect(layout.nodes.get(e.to)!.column).toBeGreaterThan(layout.nodes.get(e.from)!.column);
      expect(e.path).toMatch(/^M[\d.]+,[\d.]+ C/);
    }
  });

  it("lays out a cycle (a worker feeding its own input) without looping", async () => {
    const t = topology(
      await parseDefinition({
        channels: { loop: { buffer: 1 }, side: { buffer: 1 } },
        workers: {
          again: { kind: "command", in: "loop", outputChan: "loop", workerFn: () => 1 },
          lonely: { kind: "ticker", out: "side" },
        },
      }),
    );
    const layout = layoutTopology(t);
    expect(layout.edges).toHaveLength(3);
    const back = layout.edges.find((e) => e.role === "output")!;
    expect(layout.nodes.get(back.to)!.column).toBeLessThan(layout.nodes.get(back.from)!.column);
    expect(back.path).toContain(" S");
    const positions = [...layout.nodes.values()];
    expect(new Set(positions.map((p) => `${p.x},${p.y}`)).size).toBe(positions.length);
  });
});
