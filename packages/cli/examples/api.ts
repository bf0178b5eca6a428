// api.ts: the command from code, and its HTTP entry point in a server of your own.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { runCli, workersApi } from "@workers/cli";
import { loadDefinition } from "@workers/config";
import { startWorkers } from "@workers/runtime";

export async function main(): Promise<{ code: number; reply: unknown }> {
  // What `workers validate workers.yaml` does, with its output on this process's stdout/stderr.
  const code = await runCli(["validate", "workers.yaml"], {
    cwd: fileURLToPath(new URL(".", import.meta.url)),
  });

  const system = await startWorkers(
    await loadDefinition(new URL("./workers.yaml", import.meta.url)),
  );
  const api = workersApi(system, { requestTimeoutMs: 5000 });
  const server = createServer((req, res) =>
    api(req, res, () => {
      res.writeHead(404).end(); // not /command/<worker> or /request/<worker>
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const res = await fetch(`${base}/request/resize`, {
    method: "POST",
    body: JSON.stringify({ url: "a.png", width: 64 }),
  });
  const reply = await res.json(); // { result: { url: "a.png", width: 64, height: 48 } }

  await new Promise((resolve) => server.close(resolve));
  await system.stop();
  return { code, reply };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(await main());
