import { fileURLToPath } from "node:url";
import { defineProject } from "vitest/config";

export default defineProject({
  resolve: { conditions: ["@workers/source"] },
  ssr: { resolve: { conditions: ["@workers/source"] } },
  test: {
    name: "cli",
    // Fails any test during which a promise rejection went unhandled (shared by the packages).
    setupFiles: [
      fileURLToPath(new URL("../../test/setup/no-unhandled-rejections.ts", import.meta.url)),
    ],
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // Each test starts the real bin in a child process (Node + tsx): slow on a busy machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
