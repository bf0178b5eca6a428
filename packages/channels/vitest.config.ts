import { defineProject } from "vitest/config";

export default defineProject({
  resolve: { conditions: ["@workers/source"] },
  ssr: { resolve: { conditions: ["@workers/source"] } },
  test: {
    name: "channels",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    typecheck: {
      enabled: true,
      include: ["src/**/*.test-d.ts", "test/**/*.test-d.ts"],
      tsconfig: "./tsconfig.json",
    },
  },
});
