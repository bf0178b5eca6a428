// The seed's Quickstart: one exposed command worker with a fail channel, started with the dev
// guard, sent one command, stopped.
import { fileURLToPath } from "node:url";
import { defineWorkers } from "@workers/config";
import { startWorkers, type WorkerContext } from "@workers/runtime";

export const definition = defineWorkers({
  channels: {
    "commands/in": { buffer: 8 },
    "workers/errors": { buffer: 8 },
  },
  workers: {
    commands: {
      kind: "command",
      in: "commands/in",
      workerFn: (_ctx: WorkerContext, msg: { cmd: string }) => {
        console.log("cmd", msg);
      },
      expose: true,
      failChan: "workers/errors",
    },
  },
});

export async function main(): Promise<boolean> {
  const system = await startWorkers(definition, {}, { devGuard: true });
  const accepted = await system.command("commands", { cmd: "ping" });
  await system.stop();
  return accepted;
}

// Run as a script (`npx tsx quickstart.ts`), it prints what main returns.
if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(await main());
