import { defineProject } from "vitest/config";

export default defineProject({
  resolve: { conditions: ["@workers/source"] },
  ssr: { resolve: { conditions: ["@workers/source"] } },
  test: {
    name: "example-quickstart",
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
