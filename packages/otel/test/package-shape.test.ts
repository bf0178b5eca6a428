import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

describe("@workers/otel package shape", () => {
  it("is an ESM package without side effects that ships dist only", () => {
    expect(pkg.name).toBe("@workers/otel");
    expect(pkg.type).toBe("module");
    expect(pkg.sideEffects).toBe(false);
    expect(pkg.files).toContain("dist");
  });

  it("exports types and default from dist, and source under the @workers/source condition", () => {
    const root = pkg.exports["."];
    expect(Object.keys(root)).toEqual(["@workers/source", "types", "default"]);
    expect(root["@workers/source"]).toBe("./src/index.ts");
    expect(root.types).toBe("./dist/index.d.ts");
    expect(root.default).toBe("./dist/index.js");
  });

  it("exports the thread-side entry the same way", () => {
    const thread = pkg.exports["./thread"];
    expect(Object.keys(thread)).toEqual(["@workers/source", "types", "default"]);
    expect(thread["@workers/source"]).toBe("./src/thread.ts");
    expect(thread.types).toBe("./dist/thread.d.ts");
    expect(thread.default).toBe("./dist/thread.js");
  });

  it("has @opentelemetry/api as its only OpenTelemetry peer, and no OpenTelemetry dependency", () => {
    expect(pkg.peerDependencies).toEqual({ "@opentelemetry/api": ">=1.9.0 <2" });
    expect(
      Object.keys(pkg.dependencies ?? {}).filter((d) => d.startsWith("@opentelemetry/")),
    ).toEqual([]);
  });

  it("imports nothing from OpenTelemetry but the API in its sources", async () => {
    const { readdirSync, readFileSync: read } = await import("node:fs");
    const dir = new URL("../src/", import.meta.url);
    const files = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) =>
      f.endsWith(".ts"),
    );
    let seen = 0;
    for (const file of files) {
      const source = read(new URL(file, dir), "utf8");
      const otel = [
        ...source.matchAll(/^(?:import|export)\b[^;]*?from "(@opentelemetry\/[^"]+)"/gm),
      ].map((m) => m[1]);
      for (const spec of otel) expect(spec, file).toBe("@opentelemetry/api");
      seen += otel.length;
    }
    expect(seen).toBeGreaterThan(5);
  });

  it("loads its source entries", async () => {
    const thread = await import("@workers/otel/thread");
    expect(typeof thread.around).toBe("function");
    expect(typeof thread.shutdown).toBe("function");
    const mod = await import("@workers/otel");
    expect(typeof mod).toBe("object");
  });
});
