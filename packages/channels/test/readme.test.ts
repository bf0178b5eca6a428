import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { format } from "node:util";
import { afterAll, describe, expect, it, vi } from "vitest";

// Runs every ```ts block of the README as a module (importing the package's source) and checks
// what it prints against its `// → ...` comments, in order.

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
const dir = new URL("./.readme/", import.meta.url);
const source = fileURLToPath(new URL("../src/index.ts", import.meta.url));

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("README examples", () => {
  it("has examples", () => {
    expect(blocks.length).toBeGreaterThan(10);
  });

  blocks.forEach((code, i) => {
    const first = code.split("\n").find((l) => l !== "" && !l.startsWith("import")) ?? "";
    it(`example ${i + 1} runs and prints what it says: ${first.slice(0, 50)}`, async () => {
      const expected = [...code.matchAll(/\/\/ → (.*)$/gm)].map((m) => m[1]!);
      mkdirSync(dir, { recursive: true });
      const file = new URL(`example-${i + 1}.ts`, dir);
      writeFileSync(
        file,
        code.replaceAll('from "@workers/channels"', `from ${JSON.stringify(source)}`),
      );
      const printed: string[] = [];
      const spy = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
        printed.push(format(...args));
      });
      try {
        await import(/* @vite-ignore */ fileURLToPath(file));
      } finally {
        spy.mockRestore();
      }
      expect(printed).toEqual(expected);
    });
  });
});
