// A README example that defines `main()` must also call it: pasted into a file and run, it
// should do what it shows, not define a function and exit in silence.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const root = new URL("../../", import.meta.url);
const readmes = ["packages", "examples"].flatMap((dir) =>
  readdirSync(new URL(`${dir}/`, root))
    .map((name) => `${dir}/${name}/README.md`)
    .filter((path) => existsSync(new URL(path, root))),
);

/** The ```ts blocks of a README that define a function `main`. */
function blocksDefiningMain(path) {
  const text = readFileSync(new URL(path, root), "utf8");
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)]
    .map((m) => m[1] ?? "")
    .filter((code) => /\bfunction main\s*\(/.test(code));
}

describe("README blocks that define main()", () => {
  it("exist (the check below has something to check)", () => {
    expect(readmes.flatMap(blocksDefiningMain).length).toBeGreaterThan(0);
  });

  it.each(readmes)("%s: each one calls main", (path) => {
    const silent = blocksDefiningMain(path).filter((code) => {
      // A call: `main(` not preceded by `function `.
      const calls = [...code.matchAll(/(?<!function\s+)\bmain\s*\(/g)];
      return calls.length === 0;
    });
    expect(silent.map((code) => code.split("\n").slice(0, 2).join("\n"))).toEqual([]);
  });
});
