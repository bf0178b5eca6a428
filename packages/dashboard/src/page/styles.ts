// The page's stylesheet (inline: the page loads nothing else).
export const STYLES = `
:root { color-scheme: light; --fg: #1d2430; --muted: #667085; --line: #d0d5dd; --bg: #f6f7f9;
  --card: #ffffff; --accent: #2f6fde; --bad: #d92d20; --warn: #dc6803; --ok: #079455; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--fg); background: var(--bg); }
header { display: flex; flex-wrap: wrap; gap: 6px 22px; align-items: baseline; padding: 14px 20px;
  background: var(--card); border-bottom: 1px solid var(--line); }
header h1 { margin: 0; font-size: 18px; }
.status { font-weight: 600; }
.status::before { content: "\\25CF"; margin-right: 5px; color: var(--muted); }
body[data-status="live"] .status::before { color: var(--ok); }
body[data-status="stopped"] .status::before { color: var(--warn); }
body[data-status="disconnected"] .status::before, body[data-status="reconnecting"] .status::before { color: var(--bad); }
.summary { color: var(--muted); font-variant-numeric: tabular-nums; }
.summary b { color: var(--fg); font-weight: 600; }
main { padding: 16px 20px 28px; }
.graph { overflow: auto; background: var(--card); border: 1px solid var(--line); border-radius: 10px; }
.graph svg { display: block; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 18px; margin: 10px 2px 18px; color: var(--muted); font-size: 12px; }
.legend i { display: inline-block; width: 22px; height: 0; margin-right: 6px; vertical-align: middle; border-top: 2px solid #98a2b3; }
.legend i.fail { border-top: 2px dashed var(--bad); }
.legend i.out { border-top: 2px dotted #7a5af8; }
.node .frame { stroke: #98a2b3; stroke-width: 1.2; }
.node.worker .frame { fill: #f9fafb; }
.node.worker[data-state="busy"] .frame { fill: #eaf1fd; stroke: var(--accent); }
.node.worker[data-state="paused"] .frame { fill: #eceef2; stroke-dasharray: 5 4; }
.node.worker.failing .frame, .node.channel.dropping .frame { stroke: var(--bad); stroke-width: 2.4; }
.node .name { font-weight: 600; font-size: 13px; fill: var(--fg); }
.node .meta { font-size: 11px; fill: var(--muted); }
.node .figures { font-size: 11px; fill: #344054; font-variant-numeric: tabular-nums; }
.node .badge { font-size: 10px; font-weight: 700; letter-spacing: .04em; text-transform: uppercase; fill: var(--muted); }
.node.worker[data-state="busy"] .badge { fill: var(--accent); }
.node.worker[data-state="paused"] .badge { fill: var(--warn); }
.node .bad { fill: var(--bad); font-weight: 600; }
.node .track { fill: #eaecf0; }
.edge { fill: none; stroke: #98a2b3; stroke-width: 1.6; }
.edge[data-role="fail"] { stroke: var(--bad); stroke-dasharray: 6 4; opacity: .75; }
.edge[data-role="out"] { stroke: #7a5af8; stroke-dasharray: 2 3; }
.edge.active { stroke: var(--accent); stroke-width: 2.2; stroke-dasharray: 8 6; animation: flow 1s linear infinite; }
.edge.active[data-role="fail"] { stroke: var(--bad); }
.edge.active[data-role="out"] { stroke: #7a5af8; }
@keyframes flow { to { stroke-dashoffset: -14; } }
@media (prefers-reduced-motion: reduce) { .edge.active { animation: none; } }
h2 { font-size: 15px; margin: 22px 0 8px; }
table { border-collapse: collapse; width: 100%; background: var(--card); border: 1px solid var(--line);
  border-radius: 10px; overflow: hidden; font-variant-numeric: tabular-nums; }
th, td { padding: 6px 10px; text-align: right; border-bottom: 1px solid #eaecf0; white-space: nowrap; }
th { font-size: 12px; color: var(--muted); font-weight: 600; background: #f9fafb; }
th:first-child, td:first-child, td.text, th.text { text-align: left; }
tr:last-child td { border-bottom: 0; }
td.bad { color: var(--bad); font-weight: 600; }
footer { color: var(--muted); font-size: 12px; margin-top: 16px; }
`;
