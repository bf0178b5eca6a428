import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { StatsSnapshot, WorkersSystem } from "@workers/runtime";

/**
 * What the dashboard reads from a running system: its normalized `definition` (the topology),
 * `stats()` and `state` (to end its event streams once the system stops). Any
 * `WorkersSystem` fits.
 */
export type DashboardSystem = Pick<WorkersSystem<any>, "definition" | "stats" | "state">;

/** The definition the dashboard draws (`system.definition`). */
export type DashboardDefinition = WorkersSystem<any>["definition"];

/**
 * A `stats()` snapshot as the dashboard reads it: the runtime's, plus the optional `rate`
 * (messages a second over the last 10 s) of each worker and channel and `paused` of each worker,
 * used when the runtime reports them.
 */
export type DashboardStats = StatsSnapshot & {
  readonly workers: Readonly<
    Record<string, StatsSnapshot["workers"][string] & { rate?: number; paused?: boolean }>
  >;
  readonly channels: Readonly<
    Record<string, StatsSnapshot["channels"][string] & { rate?: number }>
  >;
};

/** Options of {@link dashboardHandler}. */
export interface DashboardOptions {
  /**
   * Where the dashboard lives: `"/dashboard"` serves `/dashboard/`, `/dashboard/stats` and
   * `/dashboard/events`. Leave it out when a framework strips the mount path
   * (`app.use("/dashboard", handler)` in Express).
   * @default "" (the root)
   */
  readonly basePath?: string;
  /** How often `/events` sends a snapshot. An integer in 1..2147483647. @default 1000 */
  readonly intervalMs?: number;
  /** The page's title. @default "workers" */
  readonly title?: string;
  /** Most `/events` streams at once; one more is answered `503`. @default 64 */
  readonly maxClients?: number;
}

/** Express/Connect-style continuation: called for requests the dashboard does not own. */
export type NextFunction = (error?: unknown) => void;

/**
 * A `node:http` request listener that also works as Express/Connect middleware: requests for
 * paths it does not own go to `next()` when given one, else get a `404`.
 */
export interface DashboardHandler {
  (req: IncomingMessage, res: ServerResponse, next?: NextFunction): void;
  /** Open `/events` streams. */
  readonly clients: number;
  /** Ends every open `/events` stream and stops its timer. Idempotent; the handler keeps serving. */
  close(): void;
}

/** Options of {@link serveDashboard}. */
export interface ServeDashboardOptions extends DashboardOptions {
  /** TCP port; `0` picks a free one. @default 9464 */
  readonly port?: number;
  /** @default "127.0.0.1" (loopback only) */
  readonly host?: string;
}

/** A dashboard server started by {@link serveDashboard}. */
export interface DashboardServer {
  /** The page's address, e.g. `http://127.0.0.1:9464/`. */
  readonly url: string;
  /** The port it listens on (useful with `port: 0`). */
  readonly port: number;
  /** The underlying server. */
  readonly server: Server;
  /** The handler it serves. */
  readonly handler: DashboardHandler;
  /** Ends the event streams and closes the server; resolves once it is closed. Idempotent. */
  close(): Promise<void>;
  /** `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}
