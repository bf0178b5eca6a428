// No package has an import cycle in its sources, type-only imports included: every module can
// be read (and tested) without the ones that import it.
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import madge from "madge";
import { describe, expect, test } from "vitest";

const packages = fileURLToPath(new URL("../../packages/", import.meta.url));
const names = readdirSync(packages, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

describe("import cycles", () => {
  test.each(names)("packages/%s/src has none", async (name) => {
    const graph = await madge(`${packages}${name}/src`, {
      fileExtensions: ["ts"],
      tsConfig: `${packages}${name}/tsconfig.json`,
      detectiveOptions: { ts: { skipTypeImports: false }, es6: { skipTypeImports: false } },
    });
    expect(Object.keys(graph.obj()).length).toBeGreaterThan(1);
    expect(graph.circular()).toEqual([]);
  });
});
