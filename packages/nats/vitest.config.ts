import { defineProject } from "vitest/config";

export default defineProject({
  resolve: { conditions: ["@workers/source"] },
  ssr: { resolve: { conditions: ["@workers/source"] } },
  test: {
    name: "nats",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // Each file starts its own nats-server (by PID); one file at a time spares the 2 cores.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
