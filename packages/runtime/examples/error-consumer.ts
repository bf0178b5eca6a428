// Example 3 of the seed: a consumer of the fail channel. Each failure arrives as the seed's
// event: { type: "workers.error", workerId, workerKind, channel, message, msg, error, failChan, at }.
import { fileURLToPath } from "node:url";
import { defineWorkers } from "@workers/config";
import { type ErrorEvent, startWorkers, type WorkerContext } from "@workers/runtime";

const definition = defineWorkers({
  channels: {
    "commands/in": { buffer: 8 },
    "workers/errors": { buffer: 8 },
  },
  workers: {
    commands: {
      kind: "command",
      in: "commands/in",
      expose: true,
      failChan: "workers/errors",
      workerFn: (_ctx: WorkerContext, msg: { cmd: string }) => {
        if (msg.cmd !== "ping") throw new Error(`unknown command ${msg.cmd}`);
        return "pong";
      },
    },
  },
});

export async function main(): Promise<Omit<ErrorEvent, "error">[]> {
  const system = await startWorkers(definition);
  const seen: Omit<ErrorEvent, "error">[] = [];
  const consumer = (async () => {
    for await (const value of system.channels["workers/errors"]) {
      const { error: _error, ...event } = value as ErrorEvent;
      console.log("worker error event:", event);
      seen.push(event);
    }
  })();
  await system.command("commands", { cmd: "ping" });
  await system.command("commands", { cmd: "reboot" });
  await system.stop();
  await consumer;
  return seen;
}

// Run as a script (`npx tsx error-consumer.ts`), it prints what main returns.
if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(await main());
