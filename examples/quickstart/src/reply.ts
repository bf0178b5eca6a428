// Example 1: an exposed command with replies.
//   (def reply (workers/request! system :image-download {:image-url "..."}))
//   (async/<!! reply)
import { defineWorkers } from "@workers/config";
import { startWorkers } from "@workers/runtime";

const definition = defineWorkers({
  channels: { "images/in": { buffer: 4 } },
  workers: {
    "image-download": {
      kind: "command",
      in: "images/in",
      expose: true,
      // A go worker: async I/O on the event loop, nothing blocking.
      workerFn: async (_ctx: unknown, msg: { imageUrl: string }) => {
        const res = await fetch(msg.imageUrl);
        const bytes = (await res.arrayBuffer()).byteLength;
        return { imageUrl: msg.imageUrl, contentType: res.headers.get("content-type"), bytes };
      },
    },
  },
});

const system = await startWorkers(definition);

// A data: URL, so the example needs no network.
const imageUrl = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>')}`;
const reply = system.request("image-download", { imageUrl }, { timeoutMs: 5000 });
const { contentType, bytes } = await reply; // typed: the worker function's return type
console.log("reply:", contentType, bytes, "bytes");

await system.stop();
