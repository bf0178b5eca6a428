// express.ts: Express strips the mount path, so no basePath is needed.

import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { dashboardHandler } from "@workers/dashboard";
import { startWorkers } from "@workers/runtime";
import express from "express";

export async function main(): Promise<string> {
  const system = await startWorkers({
    channels: { "jobs/in": { buffer: 8 } },
    workers: { jobs: { kind: "command", in: "jobs/in", expose: true, workerFn: () => {} } },
  });
  const app = express();
  const dashboard = dashboardHandler(system);
  app.use("/ops/workers", dashboard); // /ops/workers redirects to /ops/workers/
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const page = await (await fetch(`${base}/ops/workers`)).text();

  dashboard.close();
  await new Promise((resolve) => server.close(resolve));
  await system.stop();
  return page.slice(0, 15); // "<!doctype html>"
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(await main());
