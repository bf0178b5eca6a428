// Example 1 of the seed: an exposed command with replies. `request` resolves with the worker's
// return value and always settles (worker error, DroppedError, TimeoutError, StoppedError).
import { fileURLToPath } from "node:url";
import { defineWorkers } from "@workers/config";
import { startWorkers, type WorkerContext } from "@workers/runtime";

const definition = defineWorkers({
  channels: { "images/in": { buffer: 4, bufferType: "dropping", putMode: "drop" } },
  workers: {
    imageDownload: {
      kind: "command",
      in: "images/in",
      expose: true,
      workerFn: async (_ctx: WorkerContext, msg: { imageUrl: string }) => ({
        url: msg.imageUrl,
        bytes: msg.imageUrl.length * 1024,
      }),
    },
  },
});

export async function main(): Promise<{ url: string; bytes: number }> {
  const system = await startWorkers(definition);
  try {
    // Typed: the message must be { imageUrl: string }; the reply is { url, bytes }.
    return await system.request(
      "imageDownload",
      { imageUrl: "https://example.com/a.png" },
      { timeoutMs: 5000 },
    );
  } finally {
    await system.stop();
  }
}

// Run as a script (`npx tsx reply.ts`), it prints what main returns.
if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(await main());
