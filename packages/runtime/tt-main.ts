import { startWorkers } from "./src/index.ts";
const s = await startWorkers({ channels: { in: { buffer: 1 } }, workers: { d: { kind: "command", in: "in", expose: true, dispatch: "thread", workerFn: "file:///tmp/tt/w.ts#double" } } } as any, { obs: () => {} }, { threads: { execArgv: ["--import", "tsx"] } });
console.log(await s.request("d" as never, 21 as never));
await s.stop();
