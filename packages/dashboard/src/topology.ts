import type { DashboardDefinition } from "./types.js";

/** A channel of the topology. */
export interface TopologyChannel {
  readonly kind: "channel";
  /** `channel:<name>`: unique among nodes even when a worker has the same name. */
  readonly id: string;
  readonly name: string;
  readonly buffer: number;
  readonly bufferType: "fixed" | "dropping" | "sliding";
  readonly putMode: "async" | "block" | "drop";
}

/** A worker of the topology. */
export interface TopologyWorker {
  readonly kind: "worker";
  /** `worker:<name>`. */
  readonly id: string;
  readonly name: string;
  readonly workerKind: "command" | "ticker";
  readonly dispatch: "go" | "thread";
  readonly expose: boolean;
  readonly concurrency: number;
  /** Tickers only. */
  readonly intervalMs?: number;
}

/** A node of the topology graph. */
export type TopologyNode = TopologyChannel | TopologyWorker;

/**
 * What an edge stands for: `in` (channel -> the command worker reading it), `output` (worker ->
 * its `outputChan`), `fail` (worker -> its `failChan`), `out` (ticker -> the channel its tick
 * numbers are offered to).
 */
export type TopologyEdgeRole = "in" | "output" | "fail" | "out";

/** A directed edge between two node ids. */
export interface TopologyEdge {
  readonly from: string;
  readonly to: string;
  readonly role: TopologyEdgeRole;
}

/** The topology of a definition as a graph: channels and workers as nodes. */
export interface Topology {
  /** Channels in definition order, then workers in definition order. */
  readonly nodes: readonly TopologyNode[];
  /** Each worker's edges in the order `in`, `out`, `output`, `fail`. */
  readonly edges: readonly TopologyEdge[];
}

/** The node id of a channel. */
export const channelId = (name: string): string => `channel:${name}`;
/** The node id of a worker. */
export const workerId = (name: string): string => `worker:${name}`;

/**
 * The graph of a normalized definition (`system.definition`, or what `loadDefinition` returns):
 * channels and workers as nodes; edges `in -> worker`, `worker -> outputChan`,
 * `worker -> failChan` and `ticker -> out`. Channels written to only from worker code
 * (`ctx.channels[name].put`) have no edge: the definition does not say who writes them.
 *
 * @example
 * const { nodes, edges } = topology(system.definition);
 */
export function topology(definition: DashboardDefinition): Topology {
  const nodes: TopologyNode[] = [];
  const edges: TopologyEdge[] = [];
  const declared = new Set<string>();
  for (const [name, c] of Object.entries(definition.channels)) {
    declared.add(name);
    nodes.push({
      kind: "channel",
      id: channelId(name),
      name,
      buffer: c.buffer,
      bufferType: c.bufferType,
      putMode: c.putMode,
    });
  }
  const edge = (from: string, to: string, role: TopologyEdgeRole): void => {
    edges.push({ from, to, role });
  };
  for (const [name, w] of Object.entries(definition.workers)) {
    const id = workerId(name);
    nodes.push({
      kind: "worker",
      id,
      name,
      workerKind: w.kind,
      dispatch: w.dispatch,
      expose: w.expose,
      concurrency: w.concurrency,
      ...(w.kind === "ticker" && w.intervalMs !== undefined ? { intervalMs: w.intervalMs } : {}),
    });
    // A normalized definition only names declared channels; the checks keep a hand-made one
    // from producing edges to nodes that do not exist.
    if (w.in !== undefined && declared.has(w.in)) edge(channelId(w.in), id, "in");
    if (w.out !== undefined && declared.has(w.out)) edge(id, channelId(w.out), "out");
    if (w.outputChan !== undefined && declared.has(w.outputChan)) {
      edge(id, channelId(w.outputChan), "output");
    }
    if (w.failChan !== undefined && declared.has(w.failChan)) {
      edge(id, channelId(w.failChan), "fail");
    }
  }
  return { nodes, edges };
}
