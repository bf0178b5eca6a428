import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { DashboardError } from "./errors.js";
import { dashboardHandler } from "./handler.js";
import type { DashboardServer, DashboardSystem, ServeDashboardOptions } from "./types.js";

/**
 * Starts an HTTP server with {@link dashboardHandler} and resolves once it listens. Other paths
 * answer `404`. `close()` ends the event streams and closes the server (the system keeps
 * running: stopping it is the caller's business).
 *
 * @throws DashboardError `ERR_INVALID_ARGUMENT` for a bad option; rejects with the server's
 * own error (`EADDRINUSE`, ...) when it cannot listen.
 * @example
 * const dashboard = await serveDashboard(system, { port: 9464 });
 * console.log(`dashboard: ${dashboard.url}`);
 * // ... later
 * await dashboard.close();
 */
export async function serveDashboard(
  system: DashboardSystem,
  options: ServeDashboardOptions = {},
): Promise<DashboardServer> {
  const { port = 9464, host = "127.0.0.1", ...handlerOptions } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new DashboardError(
      "ERR_INVALID_ARGUMENT",
      `port: expected an integer in 0..65535, got ${String(port)}`,
    );
  }
  const handler = dashboardHandler(system, handlerOptions);
  const server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostname = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const base = (handlerOptions.basePath ?? "").replace(/\/+$/, "");
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve, reject) => {
      handler.close();
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeIdleConnections();
    });
    return closing;
  };
  return {
    url: `http://${hostname}:${address.port}${base}/`,
    port: address.port,
    server,
    handler,
    close,
    [Symbol.asyncDispose]: close,
  };
}
