import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { EventStream } from "./event-stream.js";
import { resolveOptions } from "./options.js";
import { renderPage } from "./page/render.js";
import { topology } from "./topology.js";
import type { DashboardHandler, DashboardOptions, DashboardSystem, NextFunction } from "./types.js";

const COMMON_HEADERS = { "cache-control": "no-store", "x-content-type-options": "nosniff" };

function send(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  type: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    ...COMMON_HEADERS,
    "content-type": type,
    "content-length": String(Buffer.byteLength(body)),
    ...headers,
  });
  res.end(req.method === "HEAD" ? undefined : body);
}

/**
 * A `node:http` request handler serving the dashboard of a running system, usable as Express
 * or Connect middleware:
 * - `GET <basePath>/` the page: the topology drawn from `system.definition`, coloured live;
 * - `GET <basePath>/stats` the `system.stats()` JSON;
 * - `GET <basePath>/events` server-sent events: `stats` (the same JSON) every `intervalMs`,
 *   and a last `stopped` once the system has stopped, after which the stream ends.
 *
 * Other paths go to `next()` when it is given (middleware), else get a `404`; other methods
 * on its paths a `405` (or `next()`). The page is self-contained (inline script, style and
 * SVG, nothing loaded from elsewhere) and served with a nonce-based Content-Security-Policy.
 * The event timer runs only while a stream is open and never keeps the process alive.
 *
 * @throws DashboardError `ERR_INVALID_ARGUMENT` for a system without `stats()`/`definition`
 * or a bad option.
 * @example
 * const server = createServer(dashboardHandler(system, { basePath: "/dashboard" }));
 * // Express: app.use("/dashboard", dashboardHandler(system));
 */
export function dashboardHandler(
  system: DashboardSystem,
  options: DashboardOptions = {},
): DashboardHandler {
  const { basePath, intervalMs, title, maxClients } = resolveOptions(system, options);
  const graph = topology(system.definition);
  const events = new EventStream(system, intervalMs);

  function serve(req: IncomingMessage, res: ServerResponse, next?: NextFunction): void {
    const url = req.url ?? "/";
    const query = url.indexOf("?");
    const pathname = query === -1 ? url : url.slice(0, query);
    const rest = pathname.startsWith(basePath) ? pathname.slice(basePath.length) : undefined;
    const route =
      rest === "" || rest === "/"
        ? "page"
        : rest === "/stats"
          ? "stats"
          : rest === "/events"
            ? "events"
            : undefined;
    if (route === undefined) {
      if (next) next();
      else send(req, res, 404, "text/plain; charset=utf-8", `Not found: ${pathname}\n`);
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      if (next) next();
      else {
        send(req, res, 405, "text/plain; charset=utf-8", `Method ${req.method} not allowed\n`, {
          allow: "GET, HEAD",
        });
      }
      return;
    }
    if (route === "page") {
      // The page fetches "stats" and "events" relative to itself: it must be served at a path
      // ending in "/". Express strips its mount path from req.url; originalUrl keeps it.
      const original = (req as { originalUrl?: string }).originalUrl ?? url;
      const q = original.indexOf("?");
      const originalPath = q === -1 ? original : original.slice(0, q);
      if (!originalPath.endsWith("/")) {
        const location = `${originalPath}/${q === -1 ? "" : original.slice(q)}`;
        send(req, res, 308, "text/plain; charset=utf-8", `See ${location}\n`, { location });
        return;
      }
      const nonce = randomBytes(16).toString("base64");
      const html = renderPage({
        title,
        topology: graph,
        statsUrl: "stats",
        eventsUrl: "events",
        intervalMs,
        nonce,
      });
      send(req, res, 200, "text/html; charset=utf-8", html, {
        "content-security-policy": `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'`,
        "referrer-policy": "no-referrer",
      });
      return;
    }
    if (route === "stats") {
      send(req, res, 200, "application/json; charset=utf-8", JSON.stringify(system.stats()));
      return;
    }
    if (req.method === "HEAD") {
      send(req, res, 200, "text/event-stream; charset=utf-8", "");
      return;
    }
    if (events.size >= maxClients) {
      send(req, res, 503, "text/plain; charset=utf-8", "Too many event streams\n", {
        "retry-after": "5",
      });
      return;
    }
    events.add(res);
  }

  const handler = ((req: IncomingMessage, res: ServerResponse, next?: NextFunction): void => {
    try {
      serve(req, res, next);
    } catch (error) {
      // stats() threw, or the response broke: answer 500 if nothing was sent yet.
      if (res.headersSent) res.destroy(error instanceof Error ? error : undefined);
      else {
        const message = error instanceof Error ? error.message : String(error);
        send(req, res, 500, "text/plain; charset=utf-8", `Dashboard error: ${message}\n`);
      }
    }
  }) as DashboardHandler;
  Object.defineProperty(handler, "clients", { get: () => events.size, enumerable: true });
  handler.close = () => events.close();
  return handler;
}
