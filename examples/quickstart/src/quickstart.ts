// The seed's Quickstart, line for line.
import { defineWorkers } from "@workers/config";
import { startWorkers } from "@workers/runtime";

const definition = defineWorkers({
  channels: {
    "commands/in": { buffer: 8 },
    "workers/errors": { buffer: 8 },
  },
  workers: {
    commands: {
      kind: "command",
      in: "commands/in",
      // (fn [_ msg] (println "cmd" msg)): a thread worker's function lives in a module,
      // referenced as "specifier#export", because a closure cannot cross into a thread.
      workerFn: "./commands.js#commands",
      dispatch: "thread",
      expose: true,
      failChan: "workers/errors",
    },
  },
});

const system = await startWorkers(definition, {}, { devGuard: true, baseUrl: import.meta.url });
await system.command("commands", { cmd: "ping" });
await system.stop();
