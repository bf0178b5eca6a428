import { fileURLToPath } from "node:url";
import { defineProject } from "vitest/config";

export default defineProject({
  resolve: { conditions: ["@workers/source"] },
  ssr: { resolve: { conditions: ["@workers/source"] } },
  test: {
    name: "runtime",
    // Fails any test during which a promise rejection went unhandled (shared by the packages).
    setupFiles: [
      fileURLToPath(new URL("../../test/setup/no-unhandled-rejections.ts", import.meta.url)),
    ],
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    typecheck: {
      // Type tests do not depend on the Node version: CI runs them on its first Node line only.
      enabled: process.env.WORKERS_TYPE_TESTS !== "0",
      include: ["src/**/*.test-d.ts", "test/**/*.test-d.ts"],
      tsconfig: "./tsconfig.json",
    },
  },
});
