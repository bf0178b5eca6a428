import { fileURLToPath } from "node:url";
import { defineProject } from "vitest/config";

export default defineProject({
  resolve: { conditions: ["@workers/source"] },
  ssr: { resolve: { conditions: ["@workers/source"] } },
  test: {
    name: "example-image-pipeline",
    // Fails any test during which a promise rejection went unhandled (shared by the packages).
    setupFiles: [
      fileURLToPath(new URL("../../test/setup/no-unhandled-rejections.ts", import.meta.url)),
    ],
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
