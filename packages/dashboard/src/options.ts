import { DashboardError } from "./errors.js";
import type { DashboardOptions, DashboardSystem } from "./types.js";

const MAX_TIMER_MS = 2 ** 31 - 1;

/** {@link DashboardOptions} with the defaults filled in. */
export interface ResolvedDashboardOptions {
  /** `""` for the root, else `/a/b` (no trailing slash). */
  readonly basePath: string;
  readonly intervalMs: number;
  readonly title: string;
  readonly maxClients: number;
}

const invalid = (message: string): DashboardError =>
  new DashboardError("ERR_INVALID_ARGUMENT", message);

const shown = (value: unknown): string =>
  typeof value === "string" ? JSON.stringify(value) : String(value);

/** Checks the system and the options once, naming the field, what was expected and what came. */
export function resolveOptions(
  system: DashboardSystem,
  options: DashboardOptions,
): ResolvedDashboardOptions {
  if (
    typeof system !== "object" ||
    system === null ||
    typeof system.stats !== "function" ||
    typeof system.definition !== "object" ||
    system.definition === null
  ) {
    throw invalid("system: expected a running workers system (with stats() and definition)");
  }
  const { basePath = "", intervalMs = 1000, title = "workers", maxClients = 64 } = options;
  if (typeof basePath !== "string" || (basePath !== "" && !basePath.startsWith("/"))) {
    throw invalid(`basePath: expected "" or a path starting with "/", got ${shown(basePath)}`);
  }
  if (/[?#\s]/.test(basePath)) {
    throw invalid(
      `basePath: expected a plain path without "?", "#" or spaces, got ${shown(basePath)}`,
    );
  }
  if (!Number.isInteger(intervalMs) || intervalMs < 1 || intervalMs > MAX_TIMER_MS) {
    throw invalid(
      `intervalMs: expected an integer in 1..${MAX_TIMER_MS}, got ${shown(intervalMs)}`,
    );
  }
  if (!Number.isInteger(maxClients) || maxClients < 1) {
    throw invalid(`maxClients: expected an integer >= 1, got ${shown(maxClients)}`);
  }
  if (typeof title !== "string") throw invalid(`title: expected a string, got ${shown(title)}`);
  return { basePath: basePath.replace(/\/+$/, ""), intervalMs, title, maxClients };
}
