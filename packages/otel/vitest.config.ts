import { fileURLToPath } from "node:url";
import { defineProject } from "vitest/config";

// The README's examples import @opentelemetry/sdk-node and the OTLP/HTTP exporters; tests run
// them against in-memory stand-ins (test/fakes) so no network or extra install is needed.
const fake = (name: string): string => new URL(`./test/fakes/${name}.ts`, import.meta.url).pathname;

export default defineProject({
  resolve: {
    conditions: ["@workers/source"],
    alias: {
      "@opentelemetry/sdk-node": fake("sdk-node"),
      "@opentelemetry/exporter-trace-otlp-http": fake("exporter-trace-otlp-http"),
      "@opentelemetry/exporter-metrics-otlp-http": fake("exporter-metrics-otlp-http"),
    },
  },
  ssr: { resolve: { conditions: ["@workers/source"] } },
  test: {
    name: "otel",
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
