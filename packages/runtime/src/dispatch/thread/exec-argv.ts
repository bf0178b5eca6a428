// Which of the process's Node.js flags a worker thread accepts. V8 flags (`--expose-gc`,
// `--max-old-space-size`) and per-process ones (`--title`) make `new Worker` throw
// ERR_WORKER_INVALID_EXEC_ARGV; the loaders and conditions threads need (`--import`,
// `--conditions`) pass.

import { Worker } from "node:worker_threads";

// Refused by every worker: guarantees the probe never starts a thread.
const SENTINEL = "--expose-gc";
const cache = new Map<string, string[]>();

/**
 * `argv` without the flags a worker thread refuses (a refused flag's separate value goes with
 * it). Node names the refused flags when the `Worker` constructor validates its options, which
 * it does before starting a thread; the probe always includes one refused flag, so no thread
 * ever starts. Cached per argument list.
 */
export function workerExecArgv(argv: readonly string[]): string[] {
  if (argv.length === 0) return [];
  const key = argv.join("\0");
  let kept = cache.get(key);
  if (kept === undefined) {
    // Node may stop naming flags part-way through the list: probe again what is left.
    kept = [...argv];
    for (let round = 0; round < 8; round++) {
      const refused = refusedFlags(kept);
      if (refused.size === 0) break;
      const next = filter(kept, refused);
      if (next.length === kept.length) break;
      kept = next;
    }
    cache.set(key, kept);
  }
  return [...kept];
}

function refusedFlags(argv: readonly string[]): ReadonlySet<string> {
  try {
    const probe = new Worker("", { eval: true, execArgv: [...argv, SENTINEL] });
    // Not reached: the sentinel is refused. Should a Node.js version accept it, stop the probe.
    void probe.terminate();
  } catch (error) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    if (code === "ERR_WORKER_INVALID_EXEC_ARGV" && typeof message === "string") {
      const list = message.slice(message.indexOf(":") + 1);
      const refused = new Set(list.split(",").map((flag) => flag.trim()));
      refused.delete(SENTINEL);
      // The sentinel itself, when the caller's list has it too.
      if (argv.includes(SENTINEL)) refused.add(SENTINEL);
      return refused;
    }
  }
  return new Set();
}

function filter(argv: readonly string[], refused: ReadonlySet<string>): string[] {
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!refused.has(arg)) {
      kept.push(arg);
      continue;
    }
    // `--flag value`: the value is the next entry when it is not a flag itself.
    const next = argv[i + 1];
    if (next !== undefined && !next.startsWith("-") && !arg.includes("=")) i++;
  }
  return kept;
}
