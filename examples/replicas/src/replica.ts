// One replica: consumes the shared input until SIGTERM, then stops and exits by itself.
//   node --conditions=@workers/source --import tsx src/replica.ts <nats url>

import { natsTransport } from "@workers/nats";
import { startWorkers } from "@workers/runtime";
import { ACK_WAIT_MS, definition } from "./definition.js";

const url = process.argv[2] ?? "nats://127.0.0.1:4222";
const system = await startWorkers(
  definition as never,
  { obs: () => {} },
  {
    transports: { nats: natsTransport({ servers: url, ackWaitMs: ACK_WAIT_MS }) },
  },
);
process.once("SIGTERM", () => {
  void system.stop();
});
process.stdout.write("ready\n");
