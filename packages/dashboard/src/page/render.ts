// The dashboard page: the topology drawn as SVG on the server (so the page needs no layout
// code), a table of the same figures, the stylesheet and the script inline.
import type { Topology, TopologyChannel, TopologyWorker } from "../topology.js";
import { CLIENT_SCRIPT } from "./client.js";
import { clip, escapeHtml as e, scriptJson } from "./html.js";
import { type Layout, layoutTopology, NODE_HEIGHT, NODE_WIDTH } from "./layout.js";
import { STYLES } from "./styles.js";

export interface PageOptions {
  readonly title: string;
  readonly topology: Topology;
  /** Relative URLs of the stats and the event stream (the page is served at `<base>/`). */
  readonly statsUrl: string;
  readonly eventsUrl: string;
  readonly intervalMs: number;
  /** CSP nonce for the inline style and script. */
  readonly nonce: string;
}

const BAR_X = 10;
const BAR_WIDTH = NODE_WIDTH - 20;

function channelMeta(c: TopologyChannel): string {
  const buffer = c.buffer === 0 ? "unbuffered" : `${c.bufferType} ${c.buffer}`;
  return c.putMode === "async" ? buffer : `${buffer} · ${c.putMode}`;
}

function workerMeta(w: TopologyWorker): string {
  const parts: string[] = [
    w.workerKind === "ticker" ? `ticker ${w.intervalMs ?? 1000} ms` : w.dispatch,
  ];
  if (w.workerKind === "ticker" && w.dispatch === "thread") parts.push("thread");
  if (w.concurrency > 1) parts.push(`×${w.concurrency}`);
  if (w.expose) parts.push("exposed");
  return parts.join(" · ");
}

function channelNode(c: TopologyChannel, x: number, y: number): string {
  return `<g class="node channel" data-node="${e(c.id)}" data-kind="channel" data-name="${e(c.name)}" data-level="empty" transform="translate(${x},${y})">
<title>${e(`channel ${c.name}: ${channelMeta(c)}`)}</title>
<rect class="frame" width="${NODE_WIDTH}" height="${NODE_HEIGHT}" rx="12" fill="#f6fef9"/>
<text class="name" x="10" y="18">${e(clip(c.name, 24))}</text>
<text class="meta" x="10" y="31">${e(channelMeta(c))}</text>
<rect class="track" x="${BAR_X}" y="36" width="${BAR_WIDTH}" height="6" rx="3"/>
<rect class="bar" data-bar="depth" data-max="${BAR_WIDTH}" x="${BAR_X}" y="36" width="0" height="6" rx="3"/>
<text class="figures" x="10" y="54">depth <tspan data-field="depth">0/${c.buffer}</tspan> · <tspan data-field="rate">0.0</tspan>/s</text>
<text class="figures" x="10" y="66">drops <tspan data-field="drops">0</tspan> · waiting puts <tspan data-field="pendingPuts">0</tspan></text>
</g>`;
}

function workerNode(w: TopologyWorker, x: number, y: number): string {
  return `<g class="node worker" data-node="${e(w.id)}" data-kind="worker" data-name="${e(w.name)}" data-worker-kind="${w.workerKind}" data-state="idle" transform="translate(${x},${y})">
<title>${e(`${w.workerKind} worker ${w.name}: ${workerMeta(w)}`)}</title>
<rect class="frame" width="${NODE_WIDTH}" height="${NODE_HEIGHT}" rx="4"/>
<text class="name" x="10" y="19">${e(clip(w.name, 17))}</text>
<text class="badge" x="${NODE_WIDTH - 10}" y="19" text-anchor="end" data-field="state">idle</text>
<text class="meta" x="10" y="34">${e(workerMeta(w))}</text>
<text class="figures" x="10" y="50">done <tspan data-field="processed">0</tspan> · <tspan data-field="rate">0.0</tspan>/s · busy <tspan data-field="inFlight">0</tspan></text>
<text class="figures" x="10" y="64">p95 <tspan data-field="p95">–</tspan> ms · errors <tspan data-field="errors">0</tspan></text>
</g>`;
}

function svg(topology: Topology, layout: Layout): string {
  const edges = layout.edges.map((edge) => {
    const worker = edge.role === "in" ? edge.to : edge.from;
    const name = worker.slice("worker:".length);
    return `<path class="edge" d="${edge.path}" data-edge="${e(`${edge.from}>${edge.to}`)}" data-role="${edge.role}" data-worker="${e(name)}" marker-end="url(#arrow-${edge.role === "fail" ? "fail" : "flow"})"/>`;
  });
  const nodes = topology.nodes.map((node) => {
    const at = layout.nodes.get(node.id)!;
    return node.kind === "channel" ? channelNode(node, at.x, at.y) : workerNode(node, at.x, at.y);
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="topology" width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}">
<defs>
<marker id="arrow-flow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#98a2b3"/></marker>
<marker id="arrow-fail" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#d92d20"/></marker>
</defs>
${edges.join("\n")}
${nodes.join("\n")}
</svg>`;
}

function tables(topology: Topology): string {
  const workers = topology.nodes.filter((n): n is TopologyWorker => n.kind === "worker");
  const channels = topology.nodes.filter((n): n is TopologyChannel => n.kind === "channel");
  const cell = (field: string, text = "0"): string => `<td data-field="${field}">${text}</td>`;
  const workerRows = workers.map(
    (w) =>
      `<tr data-row="${e(w.id)}" data-state="idle"><td>${e(w.name)}</td><td class="text">${e(workerMeta(w))}</td><td class="text" data-field="state">idle</td>${cell("processed")}${cell("rate", "0.0")}${cell("inFlight")}${cell("errors")}${cell("p50", "–")}${cell("p95", "–")}${cell("p99", "–")}</tr>`,
  );
  const channelRows = channels.map(
    (c) =>
      `<tr data-row="${e(c.id)}"><td>${e(c.name)}</td><td class="text">${e(channelMeta(c))}</td>${cell("depth", `0/${c.buffer}`)}${cell("pendingPuts")}${cell("pendingTakes")}${cell("rate", "0.0")}${cell("drops")}</tr>`,
  );
  return `<h2>Workers</h2>
<table><thead><tr><th>worker</th><th class="text">kind</th><th class="text">state</th><th>processed</th><th>msg/s</th><th>in flight</th><th>errors</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th></tr></thead>
<tbody>${workerRows.join("\n")}</tbody></table>
<h2>Channels</h2>
<table><thead><tr><th>channel</th><th class="text">buffer</th><th>depth</th><th>waiting puts</th><th>waiting takes</th><th>msg/s</th><th>drops</th></tr></thead>
<tbody>${channelRows.join("\n")}</tbody></table>`;
}

/** The whole page. */
export function renderPage(options: PageOptions): string {
  const { topology, title, nonce } = options;
  const layout = layoutTopology(topology);
  const readers: Record<string, string[]> = Object.create(null);
  for (const edge of topology.edges) {
    if (edge.role !== "in") continue;
    (readers[edge.from.slice("channel:".length)] ??= []).push(edge.to.slice("worker:".length));
  }
  const config = {
    stats: options.statsUrl,
    events: options.eventsUrl,
    intervalMs: options.intervalMs,
    workers: topology.nodes.filter((n) => n.kind === "worker").map((n) => n.name),
    channels: topology.nodes.filter((n) => n.kind === "channel").map((n) => n.name),
    readers,
  };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)}</title>
<link rel="icon" href="data:,">
<style nonce="${nonce}">${STYLES}</style>
</head>
<body data-status="connecting">
<header>
<h1>${e(title)}</h1>
<span class="status" id="status">connecting</span>
<span class="summary">up <b data-field="uptime">0 s</b></span>
<span class="summary">processed <b data-field="total-processed">0</b></span>
<span class="summary">in flight <b data-field="total-inFlight">0</b></span>
<span class="summary">errors <b data-field="total-errors">0</b></span>
<span class="summary">drops <b data-field="total-drops">0</b></span>
<span class="summary">thread pool <b data-field="threads">none</b></span>
</header>
<main>
<div class="graph">
${svg(topology, layout)}
</div>
<div class="legend"><span><i></i>in / output</span><span><i class="out"></i>ticker out</span><span><i class="fail"></i>failures</span><span>channel colour: depth / capacity · red outline: drops or errors in the last 10 s · dashed: paused</span></div>
${tables(topology)}
<footer>Live from <a href="${e(options.eventsUrl)}">${e(options.eventsUrl)}</a> (server-sent events); snapshot at <a href="${e(options.statsUrl)}">${e(options.statsUrl)}</a>.</footer>
</main>
<script type="application/json" id="workers-dashboard-config">${scriptJson(config)}</script>
<script nonce="${nonce}">${CLIENT_SCRIPT}</script>
</body>
</html>
`;
}
