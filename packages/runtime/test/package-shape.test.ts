import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

describe("@workers/runtime package shape", () => {
  it("is an ESM package without side effects that ships dist only", () => {
    expect(pkg.name).toBe("@workers/runtime");
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

  it("loads its source entry", async () => {
    const mod = await import("@workers/runtime");
    expect(typeof mod).toBe("object");
  });
});
