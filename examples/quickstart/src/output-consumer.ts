// Example 2: an output channel consumer.
//   (async/go-loop []
//     (when-some [event (async/<! (get-in system [:channels :images/out]))]
//       (println "image event:" event)
//       (recur)))
import { defineWorkers } from "@workers/config";
import { startWorkers } from "@workers/runtime";

const definition = defineWorkers({
  channels: {
    "images/store": { buffer: 4 },
    "images/out": { buffer: 4 },
  },
  workers: {
    "image-store": {
      kind: "command",
      in: "images/store",
      expose: true,
      outputChan: "images/out",
      workerFn: (_ctx: unknown, msg: { name: string; bytes: number }) => ({
        stored: `out/${msg.name}`,
        bytes: msg.bytes,
      }),
    },
  },
});

const system = await startWorkers(definition);

// The output channel has a single consumer; `for await` ends when `stop` closes the channel.
const consumer = (async () => {
  for await (const event of system.channels["images/out"]) {
    console.log("image event:", event);
  }
})();

for (const name of ["a.png", "b.png", "c.png"]) {
  await system.command("image-store", { name, bytes: 1024 });
}
await system.stop();
await consumer;
