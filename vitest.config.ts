import { defineConfig } from "vitest/config";

const jsonOut = process.env.WORKERS_VITEST_JSON;

export default defineConfig({
  test: {
    projects: ["packages/*", "examples/*", "scripts"],
    reporters: jsonOut ? ["default", ["json", { outputFile: jsonOut }]] : ["default"],
    coverage: {
      provider: "v8",
      include: ["packages/*/src/**/*.ts"],
      exclude: ["**/*.test.ts", "**/*.test-d.ts", "**/index.ts"],
    },
  },
});
