import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

describe("@workers/cli package shape", () => {
  it("is an ESM package without side effects that ships dist only, with a workers bin", () => {
    expect(pkg.name).toBe("@workers/cli");
    expect(pkg.type).toBe("module");
    expect(pkg.sideEffects).toBe(false);
    expect(pkg.files).toContain("dist");
    expect(pkg.bin).toEqual({ workers: "./bin/workers.js" });
    expect(pkg.files).toContain("bin");
    expect(readFileSync(new URL("../bin/workers.js", import.meta.url), "utf8")).toContain(
      'import "../dist/bin.js";',
    );
    const bin = readFileSync(new URL("../src/bin.ts", import.meta.url), "utf8");
    expect(bin.startsWith("#!/usr/bin/env node\n")).toBe(true);
  });

  it("exports types and default from dist, and source under the @workers/source condition", () => {
    const root = pkg.exports["."];
    expect(Object.keys(root)).toEqual(["@workers/source", "types", "default"]);
    expect(root["@workers/source"]).toBe("./src/index.ts");
    expect(root.types).toBe("./dist/index.d.ts");
    expect(root.default).toBe("./dist/index.js");
  });

  it("loads its source entry without running the command", async () => {
    const mod = await import("@workers/cli");
    expect(Object.keys(mod).sort()).toEqual([
      "CliError",
      "ExitCode",
      "formatGraph",
      "runCli",
      "toDot",
      "toMermaid",
      "workersApi",
    ]);
  });
});
