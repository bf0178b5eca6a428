// serve.ts: a system and its dashboard on a server of its own.
import { fileURLToPath } from "node:url";
import { serveDashboard } from "@workers/dashboard";
import { startWorkers } from "@workers/runtime";

export async function main(): Promise<{ url: string; processed: number | undefined }> {
  const system = await startWorkers({
    channels: { "jobs/in": { buffer: 8 }, "jobs/out": { buffer: 8 } },
    workers: {
      jobs: {
        kind: "command",
        in: "jobs/in",
        expose: true,
        outputChan: "jobs/out",
        workerFn: (_ctx, n: number) => n * 2,
      },
      results: { kind: "command", in: "jobs/out", workerFn: () => {} },
    },
  });
  // Loopback only by default; port 9464 unless told (0 picks a free one).
  const dashboard = await serveDashboard(system, { port: 0 });
  console.log(`dashboard: ${dashboard.url}`); // open it in a browser

  for (let n = 0; n < 100; n++) await system.command("jobs", n);
  const stats = (await (await fetch(`${dashboard.url}stats`)).json()) as {
    workers: Record<string, { processed: number }>;
  };

  await system.stop(); // open pages show "system stopped"; their event streams end
  await dashboard.close();
  return { url: dashboard.url, processed: stats.workers.jobs?.processed };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(await main());
