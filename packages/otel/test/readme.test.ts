// Every TypeScript block of the README is one of examples/*.ts verbatim (and those run in
// examples.test.ts), so the README cannot drift from code that runs.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe("README", () => {
  it("has TypeScript examples", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(4);
  });

  it.each(blocks.map((b) => [b.split("\n")[0], b]))("block %s is the example file", (_, block) => {
    const name = /^\/\/ ([\w-]+\.ts)\b/.exec(block)?.[1];
    expect(name, "a block starts with // <file>.ts").toBeDefined();
    const file = readFileSync(new URL(`../examples/${name}`, import.meta.url), "utf8");
    expect(block).toBe(file);
  });
});
