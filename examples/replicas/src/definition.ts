// The service's topology, the same in every process: one input kept in NATS JetStream.

export const definition = {
  channels: {
    "jobs/in": { transport: "nats", subject: "example.jobs", buffer: 1000, putMode: "block" },
  },
  workers: {
    job: {
      kind: "command",
      in: "jobs/in",
      expose: true,
      concurrency: 4,
      // Answers with the process that ran it, so the front end can tell replicas apart.
      workerFn: async (_ctx: unknown, n: number) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        return { n, pid: process.pid };
      },
    },
  },
} as const;

/** How long JetStream waits for an ack before another replica gets the message. */
export const ACK_WAIT_MS = 2000;
