import { readdirSync, readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { describePackageShape } from "../../../test/package-shape.js";

describePackageShape(
  {
    dir: new URL("..", import.meta.url),
    name: "@workers/otel",
    entries: { ".": "index", "./thread": "thread" },
    load: () => import("@workers/otel"),
  },
  (pkg) => {
    it("has @opentelemetry/api as its only OpenTelemetry peer, and no OpenTelemetry dependency", () => {
      expect(pkg.peerDependencies).toEqual({ "@opentelemetry/api": ">=1.9.0 <2" });
      expect(
        Object.keys(pkg.dependencies ?? {}).filter((d) => d.startsWith("@opentelemetry/")),
      ).toEqual([]);
    });

    it("imports nothing from OpenTelemetry but the API in its sources", () => {
      const dir = new URL("../src/", import.meta.url);
      const files = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) =>
        f.endsWith(".ts"),
      );
      let seen = 0;
      for (const file of files) {
        const source = readFileSync(new URL(file, dir), "utf8");
        const otel = [
          ...source.matchAll(/^(?:import|export)\b[^;]*?from "(@opentelemetry\/[^"]+)"/gm),
        ].map((m) => m[1]);
        for (const spec of otel) expect(spec, file).toBe("@opentelemetry/api");
        seen += otel.length;
      }
      expect(seen).toBeGreaterThan(5);
    });

    it("loads its thread-side source entry, with around and shutdown", async () => {
      const thread = await import("@workers/otel/thread");
      expect(typeof thread.around).toBe("function");
      expect(typeof thread.shutdown).toBe("function");
    });
  },
);
