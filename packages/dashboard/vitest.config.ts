import { fileURLToPath } from "node:url";
import { defineProject } from "vitest/config";

export default defineProject({
  resolve: { conditions: ["@workers/source"] },
  ssr: { resolve: { conditions: ["@workers/source"] } },
  test: {
    name: "dashboard",
    // Fails any test during which a promise rejection went unhandled (shared by the packages).
    setupFiles: [
      fileURLToPath(new URL("../../test/setup/no-unhandled-rejections.ts", import.meta.url)),
    ],
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // The browser test starts Chromium: slow on a busy 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
