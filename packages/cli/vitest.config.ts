import { defineProject } from "vitest/config";

export default defineProject({
  resolve: { conditions: ["@workers/source"] },
  ssr: { resolve: { conditions: ["@workers/source"] } },
  test: {
    name: "cli",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // Each test starts the real bin in a child process (Node + tsx): slow on a busy machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
