// Example 2 of the seed: a consumer of a worker's output channel. The output channel has a
// single consumer; results are offered (a full channel is an `output-drop` event).
import { fileURLToPath } from "node:url";
import { defineWorkers } from "@workers/config";
import { startWorkers, type WorkerContext } from "@workers/runtime";

const definition = defineWorkers({
  channels: {
    "images/store": { buffer: 4 },
    "images/out": { buffer: 4 },
  },
  workers: {
    imageStore: {
      kind: "command",
      in: "images/store",
      expose: true,
      outputChan: "images/out",
      workerFn: (_ctx: WorkerContext, msg: { id: number }) => ({ stored: msg.id }),
    },
  },
});

export async function main(): Promise<unknown[]> {
  const system = await startWorkers(definition);
  const events: unknown[] = [];
  // The go-loop of the seed: take until the channel is closed and drained.
  const consumer = (async () => {
    for await (const event of system.channels["images/out"]) {
      console.log("image event:", event);
      events.push(event);
    }
  })();
  for (const id of [1, 2, 3]) await system.command("imageStore", { id });
  await system.stop(); // drains, then closes the channels: the loop ends
  await consumer;
  return events;
}

// Run as a script (`npx tsx output-consumer.ts`), it prints what main returns.
if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(await main());
