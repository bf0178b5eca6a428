// Runs the real `workers` bin in a child process, from source: Node with the @workers/source
// condition and tsx's hooks.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const BIN = fileURLToPath(new URL("../src/bin.ts", import.meta.url));
export const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));
const TSX = new URL("./register-tsx.mjs", import.meta.url).href;

export const NODE_ARGS: readonly string[] = ["--conditions=@workers/source", "--import", TSX, BIN];

export interface BinResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface SpawnOptions {
  readonly cwd?: string;
  readonly env?: Record<string, string>;
}

/** Starts the bin; `done` resolves when it exits. */
export function startBin(
  args: readonly string[],
  options: SpawnOptions = {},
): { child: ChildProcess; done: Promise<BinResult>; stdout: () => string; stderr: () => string } {
  const child = spawn(process.execPath, [...NODE_ARGS, ...args], {
    cwd: options.cwd ?? FIXTURES,
    env: { ...process.env, NO_COLOR: "1", ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (s: string) => {
    stdout += s;
  });
  child.stderr!.setEncoding("utf8").on("data", (s: string) => {
    stderr += s;
  });
  const done = new Promise<BinResult>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done, stdout: () => stdout, stderr: () => stderr };
}

/** Runs the bin to completion. */
export function runBin(args: readonly string[], options: SpawnOptions = {}): Promise<BinResult> {
  return startBin(args, options).done;
}

/** Resolves with the first match of `pattern` in the output, or rejects when the bin exits first. */
export function waitForOutput(
  run: ReturnType<typeof startBin>,
  pattern: RegExp,
): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const match = pattern.exec(run.stdout());
      if (match) {
        run.child.stdout!.off("data", check);
        resolve(match);
      }
    };
    run.child.stdout!.on("data", check);
    run.done.then(
      (r) =>
        reject(
          new Error(
            `the bin exited (${r.code}) before printing ${pattern}:\n${r.stdout}\n${r.stderr}`,
          ),
        ),
      reject,
    );
    check();
  });
}

/** A topology read back from `workers graph` output. */
export interface ParsedGraph {
  nodes: { name: string; kind: "channel" | "worker"; workerKind?: "command" | "ticker" }[];
  edges: { from: string; to: string; role: string }[];
}

const mermaidDecode = (text: string): string =>
  text.replace(/#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));

/** Parses the Mermaid flowchart `workers graph` writes. */
export function parseMermaid(text: string): ParsedGraph {
  const lines = text.trimEnd().split("\n");
  if (lines[0] !== "flowchart LR") throw new Error(`not a flowchart: ${lines[0]}`);
  const names = new Map<string, ParsedGraph["nodes"][number]>();
  const graph: ParsedGraph = { nodes: [], edges: [] };
  for (const line of lines.slice(1)) {
    const node = /^ {2}(\w+)(\[\(|\{\{|\[)"([^"]*)"(\)\]|\}\}|\])$/.exec(line);
    if (node) {
      const [, id, open, label] = node;
      const name = mermaidDecode(label!.split("<br/>")[0]!);
      const parsed =
        open === "[("
          ? { name, kind: "channel" as const }
          : {
              name,
              kind: "worker" as const,
              workerKind: open === "{{" ? ("ticker" as const) : ("command" as const),
            };
      names.set(id!, parsed);
      graph.nodes.push(parsed);
      continue;
    }
    const edge = /^ {2}(\w+) (-->|-\.->)(?:\|(\w+)\|)? (\w+)$/.exec(line);
    if (edge) {
      const [, from, arrow, label, to] = edge;
      const role = label ?? "in";
      if ((arrow === "-.->") !== (role === "fail"))
        throw new Error(`fail edges are dotted: ${line}`);
      graph.edges.push({ from: names.get(from!)!.name, to: names.get(to!)!.name, role });
      continue;
    }
    if (/^ {2}(classDef|class) /.test(line)) continue;
    throw new Error(`unexpected Mermaid line: ${line}`);
  }
  return graph;
}

const dotDecode = (text: string): string =>
  text.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));

/** Parses the DOT digraph `workers graph --format dot` writes. */
export function parseDot(text: string): ParsedGraph {
  const lines = text.trimEnd().split("\n");
  if (lines[0] !== "digraph workers {" || lines.at(-1) !== "}") throw new Error("not a digraph");
  const graph: ParsedGraph = { nodes: [], edges: [] };
  const id = String.raw`"((?:[^"\\]|\\.)*)"`;
  const nameOf = (nodeId: string): string => nodeId.slice(nodeId.indexOf(":") + 1);
  for (const line of lines.slice(1, -1)) {
    const node = new RegExp(`^  ${id} \\[label=${id}, shape=(\\w+),`).exec(line);
    if (node) {
      const nodeId = dotDecode(node[1]!);
      const label = dotDecode(node[2]!);
      const name = label.slice(0, label.lastIndexOf("\n"));
      const kind = nodeId.startsWith("channel:") ? "channel" : "worker";
      if (name !== nameOf(nodeId)) throw new Error(`label ${label} does not start with ${nodeId}`);
      graph.nodes.push(
        kind === "channel"
          ? { name, kind }
          : { name, kind, workerKind: node[3] === "hexagon" ? "ticker" : "command" },
      );
      continue;
    }
    const edge = new RegExp(`^  ${id} -> ${id}(?: \\[label="(\\w+)"[^\\]]*\\])?;$`).exec(line);
    if (edge) {
      graph.edges.push({
        from: nameOf(dotDecode(edge[1]!)),
        to: nameOf(dotDecode(edge[2]!)),
        role: edge[3] ?? "in",
      });
      continue;
    }
    if (/^ {2}(rankdir|node|edge)\b/.test(line)) continue;
    throw new Error(`unexpected DOT line: ${line}`);
  }
  return graph;
}
