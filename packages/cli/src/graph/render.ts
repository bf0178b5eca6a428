import type { Topology, TopologyNode } from "@workers/dashboard";

/** The graph formats `workers graph` writes. */
export type GraphFormat = "mermaid" | "dot";

/** A node's second line: buffer and put mode, or dispatch, concurrency and exposure. */
export function nodeDetail(node: TopologyNode): string {
  if (node.kind === "channel") {
    const buffer = node.buffer === 0 ? "unbuffered" : `${node.bufferType} ${node.buffer}`;
    return node.putMode === "async" ? buffer : `${buffer}, ${node.putMode}`;
  }
  const parts: string[] =
    node.workerKind === "ticker" ? [`ticker ${node.intervalMs ?? 1000} ms`] : [];
  if (node.workerKind === "command" || node.dispatch === "thread") parts.push(node.dispatch);
  if (node.concurrency > 1) parts.push(`x${node.concurrency}`);
  if (node.expose) parts.push("exposed");
  return parts.join(", ");
}

// Mermaid labels are quoted strings in which `"` cannot appear; its entity codes can.
const mermaidText = (text: string): string =>
  text.replace(/[#"<>&]/g, (c) => `#${c.charCodeAt(0)};`);

/**
 * The topology as a Mermaid flowchart (left to right): channels as cylinders, command workers
 * as boxes, tickers as hexagons; `in` edges unlabelled, `output`/`out` labelled, `fail` dotted.
 */
export function toMermaid(topology: Topology): string {
  const ids = new Map<string, string>();
  let channels = 0;
  let workers = 0;
  for (const node of topology.nodes) {
    ids.set(node.id, node.kind === "channel" ? `c${channels++}` : `w${workers++}`);
  }
  const lines = ["flowchart LR"];
  for (const node of topology.nodes) {
    const label = `"${mermaidText(node.name)}<br/>${mermaidText(nodeDetail(node))}"`;
    const id = ids.get(node.id)!;
    if (node.kind === "channel") lines.push(`  ${id}[(${label})]`);
    else if (node.workerKind === "ticker") lines.push(`  ${id}{{${label}}}`);
    else lines.push(`  ${id}[${label}]`);
  }
  for (const edge of topology.edges) {
    const from = ids.get(edge.from)!;
    const to = ids.get(edge.to)!;
    if (edge.role === "in") lines.push(`  ${from} --> ${to}`);
    else if (edge.role === "fail") lines.push(`  ${from} -.->|fail| ${to}`);
    else lines.push(`  ${from} -->|${edge.role}| ${to}`);
  }
  const classes = (kind: "channel" | "worker") =>
    topology.nodes.filter((n) => n.kind === kind).map((n) => ids.get(n.id)!);
  lines.push("  classDef channel fill:#ecfdf3,stroke:#079455,color:#1d2430");
  lines.push("  classDef worker fill:#eff4ff,stroke:#2f6fde,color:#1d2430");
  if (classes("channel").length > 0) lines.push(`  class ${classes("channel").join(",")} channel`);
  if (classes("worker").length > 0) lines.push(`  class ${classes("worker").join(",")} worker`);
  return `${lines.join("\n")}\n`;
}

const dotString = (text: string): string =>
  `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;

/**
 * The topology as a Graphviz DOT digraph (left to right); node ids are the topology's
 * (`channel:<name>`, `worker:<name>`), labels the name and its detail.
 */
export function toDot(topology: Topology): string {
  const lines = [
    "digraph workers {",
    "  rankdir=LR;",
    '  node [fontname="Helvetica,Arial,sans-serif", fontsize=11];',
    '  edge [fontname="Helvetica,Arial,sans-serif", fontsize=9];',
  ];
  for (const node of topology.nodes) {
    const label = `${dotString(node.name).slice(0, -1)}\\n${dotString(nodeDetail(node)).slice(1)}`;
    const shape =
      node.kind === "channel"
        ? 'shape=cylinder, style=filled, fillcolor="#ecfdf3", color="#079455"'
        : node.workerKind === "ticker"
          ? 'shape=hexagon, style=filled, fillcolor="#eff4ff", color="#2f6fde"'
          : 'shape=box, style="rounded,filled", fillcolor="#eff4ff", color="#2f6fde"';
    lines.push(`  ${dotString(node.id)} [label=${label}, ${shape}];`);
  }
  for (const edge of topology.edges) {
    const attrs =
      edge.role === "in"
        ? ""
        : edge.role === "fail"
          ? ' [label="fail", style=dashed, color="#d92d20"]'
          : ` [label="${edge.role}"]`;
    lines.push(`  ${dotString(edge.from)} -> ${dotString(edge.to)}${attrs};`);
  }
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

/** The topology in `format`. */
export function formatGraph(topology: Topology, format: GraphFormat): string {
  return format === "dot" ? toDot(topology) : toMermaid(topology);
}
