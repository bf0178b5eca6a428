// The thread dispatcher's module loading (checking thread worker modules in a thread before
// the first message) and the threads' shutdown at close (internal).

import { fileURLToPath } from "node:url";
import { sourceLocation } from "@workers/config/source-location";
import type { Piscina } from "piscina";
import { ThreadLoadError } from "../../errors.js";
import type { ModuleRef } from "../types.js";
import type { ChannelBridge } from "./channel-bridge.js";
import { decodeThrown } from "./error-codec.js";
import { describe } from "./pool-setup.js";
import type { LoadResult } from "./protocol.js";

/**
 * Imports each module once in a thread (the setup module first, when `setup` names one);
 * rejects with a `ThreadLoadError` that names every module that failed, the first's error as
 * `cause`.
 */
export async function loadModules(
  pool: Piscina,
  setup: string | null,
  refs: readonly ModuleRef[],
): Promise<void> {
  const unique = new Map<string, ModuleRef>();
  for (const ref of refs) unique.set(`${ref.url}#${ref.exportName}`, ref);
  if (unique.size === 0) return;
  const list = [...unique.values()];
  let results: LoadResult;
  try {
    results = (await pool.run({ l: list.map((r) => [r.url, r.exportName]) })) as LoadResult;
  } catch (error) {
    const first = list[0] as ModuleRef;
    throw new ThreadLoadError(
      first.url,
      first.exportName,
      `a thread died while loading thread worker modules (${list.map(refName).join(", ")})`,
      { cause: error },
    );
  }
  if ("setup" in results) {
    const error = decodeThrown(results.setup);
    const url = setup as string;
    throw new ThreadLoadError(
      url,
      "",
      `cannot load the threads.setup module ${displayUrl(url)}: ${describeLoadError(error)}`,
      { cause: error },
    );
  }
  const failed = list.flatMap((ref, i) => {
    const wire = results[i];
    return wire === null || wire === undefined ? [] : [{ ref, error: decodeThrown(wire) }];
  });
  const first = failed[0];
  if (first !== undefined) {
    const names = failed.map((f) => `${refName(f.ref)}: ${describeLoadError(f.error)}`).join("; ");
    throw new ThreadLoadError(
      first.ref.url,
      first.ref.exportName,
      `cannot load thread worker module ${names}`,
      { cause: first.error },
    );
  }
}

/** Each thread runs the setup module's `shutdown()` before the pool ends it (bounded). */
export async function shutdownThreads(
  bridge: ChannelBridge,
  pool: Piscina,
  timeoutMs: number,
): Promise<void> {
  const { errors, unanswered } = await bridge.shutdown(pool.threads, timeoutMs);
  const problems: string[] = [];
  if (errors.length > 0) {
    problems.push(`threw in ${errors.length} thread(s): ${describe(errors[0])}`);
  }
  if (unanswered > 0) {
    problems.push(`did not finish within ${timeoutMs} ms in ${unanswered} thread(s)`);
  }
  if (problems.length === 0) return;
  // stop() goes on: the threads end either way. The warning is what is left to say.
  process.emitWarning(
    `the threads.setup module's shutdown() ${problems.join(" and ")}; those threads ended without it finishing`,
    {
      code: "WORKERS_THREAD_SHUTDOWN",
      ...(errors[0] instanceof Error && errors[0].stack !== undefined
        ? { detail: errors[0].stack }
        : {}),
    },
  );
}

function refName(ref: ModuleRef): string {
  return `${ref.url}#${ref.exportName}`;
}

/**
 * A load error for a message: a syntax error names its file, line and column (the thread put
 * Node's location line on top of its stack), as `path:line:column` an editor opens.
 */
function describeLoadError(error: unknown): string {
  const stack = error instanceof Error ? error.stack : undefined;
  const at = typeof stack === "string" ? sourceLocation(stack) : undefined;
  if (at === undefined) return describe(error);
  const position = at.column === undefined ? `${at.line}` : `${at.line}:${at.column}`;
  return `${(error as Error).name}: ${describe(error)} at ${at.file}:${position}`;
}

function displayUrl(url: string): string {
  try {
    return url.startsWith("file:") ? fileURLToPath(url) : url;
  } catch {
    return url;
  }
}
