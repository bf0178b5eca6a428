// The seed's Integrant key as a lifecycle component, owned here with `await using`.
import { fileURLToPath } from "node:url";
import { defineWorkers } from "@workers/config";
import { workersComponent } from "@workers/runtime";

const definition = defineWorkers({
  channels: { "commands/in": { buffer: 8 } },
  workers: {
    commands: {
      kind: "command",
      in: "commands/in",
      expose: true,
      workerFn: (_ctx, msg: { cmd: string }) => `ok ${msg.cmd}`,
    },
  },
});

export async function main(): Promise<string> {
  await using component = workersComponent({ definition, devGuard: true, guardMs: 50 });
  const system = await component.start({ obs: () => {} });
  return system.request("commands", { cmd: "ping" });
}

// Run as a script (`npx tsx lifecycle.ts`), it prints what main returns.
if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(await main());
