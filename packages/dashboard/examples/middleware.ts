// middleware.ts: the dashboard under /dashboard on your own node:http server.

import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { dashboardHandler } from "@workers/dashboard";
import { startWorkers } from "@workers/runtime";

export async function main(): Promise<number[]> {
  const system = await startWorkers({
    channels: { "jobs/in": { buffer: 8 } },
    workers: { jobs: { kind: "command", in: "jobs/in", expose: true, workerFn: () => {} } },
  });
  const dashboard = dashboardHandler(system, { basePath: "/dashboard" });
  const server = createServer((req, res) =>
    // The dashboard answers /dashboard/, /dashboard/stats and /dashboard/events;
    // everything else goes on to your routes.
    dashboard(req, res, () => {
      res.writeHead(req.url === "/health" ? 200 : 404).end();
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const statuses = await Promise.all(
    ["/dashboard/", "/dashboard/stats", "/health", "/nope"].map(
      async (path) => (await fetch(`${base}${path}`)).status,
    ),
  );

  dashboard.close(); // ends open event streams, so the server can close
  await new Promise((resolve) => server.close(resolve));
  await system.stop();
  return statuses; // [200, 200, 200, 404]
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(await main());
