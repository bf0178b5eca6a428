import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

describe("@workers/dashboard package shape", () => {
  it("is an ESM package without side effects that ships dist only", () => {
    expect(pkg.name).toBe("@workers/dashboard");
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

  it("imports @workers/runtime for types only", () => {
    // Follow the value imports from the entry: none may reach the runtime.
    const seen = new Set<string>();
    const external = new Set<string>();
    const visit = (url: URL): void => {
      const file = fileURLToPath(url);
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(file, "utf8");
      for (const m of source.matchAll(/^(?:import|export) (?!type )[^;]*? from "([^"]+)";/gms)) {
        const spec = m[1] as string;
        if (spec.startsWith(".")) visit(new URL(spec.replace(/\.js$/, ".ts"), url));
        else external.add(spec);
      }
    };
    visit(new URL("../src/index.ts", import.meta.url));
    expect(seen.size).toBeGreaterThan(5);
    expect([...external].every((s) => s.startsWith("node:"))).toBe(true);
    expect(pkg.dependencies).toEqual({ "@workers/runtime": "workspace:*" });
  });

  it("loads its source entry", async () => {
    const mod = await import("@workers/dashboard");
    expect(Object.keys(mod).sort()).toEqual([
      "DashboardError",
      "channelId",
      "dashboardHandler",
      "serveDashboard",
      "topology",
      "workerId",
    ]);
  });
});
