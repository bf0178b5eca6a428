import { fileURLToPath } from "node:url";
import { defineProject } from "vitest/config";

// Tests of the repository itself: README's commands, CI, what the packages ship.
export default defineProject({
  test: {
    name: "repo",
    // Fails any test during which a promise rejection went unhandled (shared by the packages).
    setupFiles: [
      fileURLToPath(new URL("../test/setup/no-unhandled-rejections.ts", import.meta.url)),
    ],
    include: ["test/**/*.test.mjs"],
  },
});
