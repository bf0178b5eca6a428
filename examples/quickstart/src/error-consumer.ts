// Example 3: an error channel consumer.
//   (async/go-loop []
//     (when-some [event (async/<! (get-in system [:channels :workers/errors]))]
//       (println "worker error event:" (dissoc event :error))
//       (recur)))
import { defineWorkers } from "@workers/config";
import { type ErrorEvent, startWorkers } from "@workers/runtime";

const definition = defineWorkers({
  channels: {
    "images/resize": { buffer: 4 },
    "workers/errors": { buffer: 8 },
  },
  workers: {
    "image-resize": {
      kind: "command",
      in: "images/resize",
      expose: true,
      failChan: "workers/errors",
      workerFn: (_ctx: unknown, msg: { name: string; width: number }) => {
        if (msg.width <= 0) throw new RangeError(`${msg.name}: width must be positive`);
        return { name: msg.name, width: msg.width };
      },
    },
  },
});

const system = await startWorkers(definition);

const consumer = (async () => {
  for await (const event of system.channels["workers/errors"]) {
    const { error, ...rest } = event as ErrorEvent;
    console.log("worker error event:", rest);
  }
})();

await system.command("image-resize", { name: "a.png", width: 128 });
await system.command("image-resize", { name: "b.png", width: -1 });
await system.stop();
await consumer;
