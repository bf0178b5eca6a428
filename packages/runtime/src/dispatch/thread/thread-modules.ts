// Runs inside every pool thread: imports thread worker modules (each once) and finds their
// functions.

import { decorateSyntaxError } from "@workers/config/source-location";
import type { WireWorker } from "./protocol.js";
import type { ThreadWorkerContext } from "./types.js";

/** A thread worker's function. */
export type WorkerFunction = (ctx: ThreadWorkerContext, msg: unknown) => unknown;

/** `ctx.worker` of a thread worker. */
export interface ThreadWorkerInfo {
  name: string;
  kind: "command" | "ticker";
  dispatch: "thread";
  in?: string;
}

export interface LoadedWorker {
  readonly fn: WorkerFunction;
  readonly info: ThreadWorkerInfo;
}

/** A worker whose module did not load: its messages fail with `error`. */
export class LoadFailure {
  constructor(readonly error: unknown) {}
}

const modules = new Map<string, Promise<Record<string, unknown>>>();
const workers = new Map<string, LoadedWorker>();

export function importModule(url: string): Promise<Record<string, unknown>> {
  let loading = modules.get(url);
  if (loading === undefined) {
    loading = (import(url) as Promise<Record<string, unknown>>).catch((error: unknown) => {
      // A syntax error says where it is (file, line, column) on top of its stack.
      decorateSyntaxError(error);
      throw error;
    });
    modules.set(url, loading);
    // A failed import is retried on the next use rather than cached.
    loading.catch(() => modules.delete(url));
  }
  return loading;
}

export async function resolveFunction(url: string, exportName: string): Promise<WorkerFunction> {
  const mod = await importModule(url);
  const fn = mod[exportName];
  if (typeof fn !== "function") {
    const names = Object.keys(mod).join(", ") || "none";
    throw new TypeError(
      `export "${exportName}" of ${url} is not a function (found ${typeof fn}; exports: ${names})`,
    );
  }
  return fn as WorkerFunction;
}

function workerKey(w: WireWorker): string {
  return `${w[0]}\0${w[3]}#${w[4]}`;
}

/** The worker `w`, if it was loaded in this thread already. */
export function loadedWorker(w: WireWorker): LoadedWorker | undefined {
  return workers.get(workerKey(w));
}

async function loadWorker(w: WireWorker): Promise<LoadedWorker> {
  const key = workerKey(w);
  const found = workers.get(key);
  if (found !== undefined) return found;
  const fn = await resolveFunction(w[3], w[4]);
  const info: ThreadWorkerInfo =
    w[2] === null
      ? { name: w[0], kind: w[1], dispatch: "thread" }
      : { name: w[0], kind: w[1], dispatch: "thread", in: w[2] };
  const loaded: LoadedWorker = { fn, info };
  workers.set(key, loaded);
  return loaded;
}

export async function loadAll(
  list: readonly WireWorker[],
): Promise<(LoadedWorker | LoadFailure)[]> {
  const loaded: (LoadedWorker | LoadFailure)[] = [];
  for (const w of list) {
    loaded.push(await loadWorker(w).catch((error: unknown) => new LoadFailure(error)));
  }
  return loaded;
}
