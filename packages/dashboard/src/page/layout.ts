// A small layered layout for the topology graph: connected components stacked top to bottom,
// each drawn left to right in columns by longest path from its sources (cycles broken where a
// depth-first search meets a back edge), rows ordered by the barycenter of their predecessors.
import type { Topology, TopologyEdgeRole } from "../topology.js";

export const NODE_WIDTH = 184;
export const NODE_HEIGHT = 70;
const GAP_X = 64;
const GAP_Y = 26;
const PAD = 20;

export interface LayoutNode {
  readonly id: string;
  readonly x: number;
  readonly y: number;
  readonly column: number;
}

export interface LayoutEdge {
  readonly from: string;
  readonly to: string;
  readonly role: TopologyEdgeRole;
  /** SVG path data. */
  readonly path: string;
}

export interface Layout {
  readonly width: number;
  readonly height: number;
  readonly nodes: ReadonlyMap<string, LayoutNode>;
  readonly edges: readonly LayoutEdge[];
}

function components(ids: readonly string[], edges: Topology["edges"]): string[][] {
  const parent = new Map(ids.map((id) => [id, id]));
  const find = (id: string): string => {
    let root = id;
    while (parent.get(root) !== root) root = parent.get(root)!;
    parent.set(id, root);
    return root;
  };
  for (const e of edges) parent.set(find(e.from), find(e.to));
  const groups = new Map<string, string[]>();
  for (const id of ids) {
    const root = find(id);
    const group = groups.get(root);
    if (group) group.push(id);
    else groups.set(root, [id]);
  }
  return [...groups.values()];
}

/** Column of every node of one component: longest path from its sources, back edges ignored. */
function columns(ids: readonly string[], edges: Topology["edges"]): Map<string, number> {
  const members = new Set(ids);
  const out = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const e of edges) if (members.has(e.from)) out.get(e.from)!.push(e.to);
  // Depth-first search from sources first (then from anything left, for pure cycles): edges to
  // a node still on the stack are back edges.
  const state = new Map<string, 1 | 2>();
  const back = new Set<string>();
  const order: string[] = [];
  const hasIn = new Set(edges.filter((e) => members.has(e.to)).map((e) => e.to));
  const visit = (id: string): void => {
    state.set(id, 1);
    for (const next of out.get(id)!) {
      const s = state.get(next);
      if (s === 1) back.add(`${id}\0${next}`);
      else if (s === undefined) visit(next);
    }
    state.set(id, 2);
    order.push(id);
  };
  for (const id of ids) if (!hasIn.has(id) && !state.has(id)) visit(id);
  for (const id of ids) if (!state.has(id)) visit(id);
  order.reverse(); // a topological order of the graph without its back edges
  const column = new Map<string, number>(ids.map((id) => [id, 0]));
  for (const id of order) {
    for (const next of out.get(id)!) {
      if (back.has(`${id}\0${next}`)) continue;
      column.set(next, Math.max(column.get(next)!, column.get(id)! + 1));
    }
  }
  return column;
}

function edgePath(a: LayoutNode, b: LayoutNode, below: number): string {
  const x1 = a.x + NODE_WIDTH;
  const y1 = a.y + NODE_HEIGHT / 2;
  const x2 = b.x;
  const y2 = b.y + NODE_HEIGHT / 2;
  if (b.column > a.column) {
    const dx = (x2 - x1) / 2;
    return `M${x1},${y1} C${x1 + dx},${y1} ${x2 - dx},${y2} ${x2},${y2}`;
  }
  // A back edge (or one within a column): out to the right, around beneath, in from the left.
  const mid = (x1 + x2) / 2;
  return `M${x1},${y1} C${x1 + 40},${y1} ${x1 + 40},${below} ${mid},${below} S${x2 - 40},${y2} ${x2},${y2}`;
}

/** Positions every node of `topology` and draws every edge. */
export function layoutTopology(topology: Topology): Layout {
  const ids = topology.nodes.map((n) => n.id);
  const index = new Map(ids.map((id, i) => [id, i]));
  const nodes = new Map<string, LayoutNode>();
  let top = PAD;
  let maxColumn = 0;
  const bands: { top: number; bottom: number; ids: string[] }[] = [];
  for (const group of components(ids, topology.edges)) {
    const column = columns(group, topology.edges);
    const byColumn: string[][] = [];
    for (const id of group) (byColumn[column.get(id)!] ??= []).push(id);
    // Order each column by the mean row of its predecessors (then by definition order).
    const row = new Map<string, number>();
    for (const col of byColumn) {
      if (col === undefined) continue;
      const weight = (id: string): number => {
        const preds = topology.edges.filter((e) => e.to === id && row.has(e.from));
        if (preds.length === 0) return Number.POSITIVE_INFINITY;
        return preds.reduce((sum, e) => sum + row.get(e.from)!, 0) / preds.length;
      };
      const weights = new Map(col.map((id) => [id, weight(id)]));
      col.sort((a, b) => weights.get(a)! - weights.get(b)! || index.get(a)! - index.get(b)!);
      for (const [i, id] of col.entries()) row.set(id, i);
    }
    const rows = Math.max(...byColumn.map((c) => c?.length ?? 0));
    byColumn.forEach((col, c) => {
      maxColumn = Math.max(maxColumn, c);
      // Shorter columns are centred against the tallest one.
      const offset = ((rows - col.length) * (NODE_HEIGHT + GAP_Y)) / 2;
      col.forEach((id, r) => {
        nodes.set(id, {
          id,
          column: c,
          x: PAD + c * (NODE_WIDTH + GAP_X),
          y: top + offset + r * (NODE_HEIGHT + GAP_Y),
        });
      });
    });
    const bottom = top + rows * (NODE_HEIGHT + GAP_Y) - GAP_Y;
    bands.push({ top, bottom, ids: group });
    top = bottom + GAP_Y * 2;
  }
  const bandOf = new Map<string, { bottom: number }>();
  for (const band of bands) for (const id of band.ids) bandOf.set(id, band);
  const edges = topology.edges.map((e) => ({
    ...e,
    path: edgePath(nodes.get(e.from)!, nodes.get(e.to)!, bandOf.get(e.from)!.bottom + GAP_Y * 0.8),
  }));
  return {
    width: PAD * 2 + (maxColumn + 1) * NODE_WIDTH + maxColumn * GAP_X,
    height: Math.max(top - GAP_Y * 2 + PAD, PAD * 2 + NODE_HEIGHT),
    nodes,
    edges,
  };
}
