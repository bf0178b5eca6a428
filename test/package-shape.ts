// The package shape every package keeps (STYLE.md, Packaging), checked once here and run by
// each package's own test/package-shape.test.ts, which adds what is particular to it:
//
//   describePackageShape(
//     { dir: new URL("..", import.meta.url), name: "@workers/x", load: () => import("@workers/x") },
//     (pkg) => { it("...", () => { ... }); },
//   );
//
// `load` stays in the package's file so the bare name resolves from the package, under the
// `@workers/source` condition its vitest project sets. Test-only: it may use `node:` modules.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/** A parsed package.json. */
export type PackageJson = Record<string, any>;

/** What a package's shape test needs to know about it. */
export interface PackageShape {
  /** The package's folder (from its test/: `new URL("..", import.meta.url)`). */
  dir: URL;
  /** Its `name` in package.json. */
  name: string;
  /**
   * Its entries: `exports` subpath -> file name (no extension) in `src/` and `dist/`.
   * @default { ".": "index" }
   */
  entries?: Readonly<Record<string, string>>;
  /** Imports the package's root entry by its name. */
  load: () => Promise<object>;
  /** The names the root entry exports, when the package pins them (any order). */
  exportNames?: readonly string[];
}

/**
 * Declares `<name> package shape`: an ESM package without side effects that ships dist, each
 * entry exported with the `@workers/source` condition first, then `types` and `default` from
 * dist; its root entry loads. `more` declares the package's own checks in the same block.
 */
export function describePackageShape(shape: PackageShape, more?: (pkg: PackageJson) => void): void {
  const pkg: PackageJson = JSON.parse(readFileSync(new URL("package.json", shape.dir), "utf8"));
  const entries = Object.entries(shape.entries ?? { ".": "index" });

  describe(`${shape.name} package shape`, () => {
    it("is an ESM package without side effects that ships dist", () => {
      expect(pkg.name).toBe(shape.name);
      expect(pkg.type).toBe("module");
      expect(pkg.sideEffects).toBe(false);
      expect(pkg.files).toContain("dist");
    });

    for (const [subpath, file] of entries) {
      it(`exports "${subpath}" as source under the @workers/source condition, then types and default from dist`, () => {
        const entry = pkg.exports?.[subpath];
        expect(entry, `exports["${subpath}"]`).toBeTypeOf("object");
        expect(Object.keys(entry)).toEqual(["@workers/source", "types", "default"]);
        expect(entry["@workers/source"]).toBe(`./src/${file}.ts`);
        expect(entry.types).toBe(`./dist/${file}.d.ts`);
        expect(entry.default).toBe(`./dist/${file}.js`);
      });
    }

    it("loads its source entry", async () => {
      const mod = await shape.load();
      expect(typeof mod).toBe("object");
      if (shape.exportNames !== undefined) {
        expect(Object.keys(mod).sort()).toEqual([...shape.exportNames].sort());
      }
    });

    more?.(pkg);
  });
}

/**
 * Follows the value imports and re-exports from `entry` (not `import type`, not dynamic
 * `import()`): the source files reached, and the bare specifiers they import.
 */
export function valueImports(entry: URL): { files: Set<string>; external: Set<string> } {
  const files = new Set<string>();
  const external = new Set<string>();
  const visit = (url: URL): void => {
    const file = fileURLToPath(url);
    if (files.has(file)) return;
    files.add(file);
    const source = readFileSync(file, "utf8");
    for (const m of source.matchAll(/^(?:import|export) (?!type )[^;]*? from "([^"]+)";/gms)) {
      const spec = m[1] as string;
      if (spec.startsWith(".")) visit(new URL(spec.replace(/\.js$/, ".ts"), url));
      else external.add(spec);
    }
  };
  visit(entry);
  return { files, external };
}
