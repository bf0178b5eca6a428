// A source map in a tarball is only useful if what it points at is in the tarball too. The
// packages ship `src` beside `dist` (maps and declaration maps: debuggers and go-to-definition
// land in the TypeScript), or ship no maps at all; never maps that point at missing files.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { posix, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const packagesDir = fileURLToPath(new URL("../../packages/", import.meta.url));
const packages = readdirSync(packagesDir).filter((name) =>
  existsSync(`${packagesDir}${name}/package.json`),
);

const packed = new Map();

/** The paths `npm pack` would put in the tarball (relative, `/`-separated). */
function packList(dir) {
  if (!packed.has(dir)) packed.set(dir, npmPack(dir));
  return packed.get(dir);
}

function npmPack(dir) {
  const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
    cwd: dir,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
    shell: process.platform === "win32",
  });
  return new Set(JSON.parse(out)[0].files.map((f) => f.path));
}

/** The build's compiler options and input files (what its maps' `sources` name). */
function buildConfig(dir) {
  const file = `${dir}tsconfig.build.json`;
  const { config, error } = ts.readConfigFile(file, ts.sys.readFile);
  if (error !== undefined)
    throw new Error(ts.flattenDiagnosticMessageText(error.messageText, "\n"));
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, dir, undefined, file);
  const inputs = parsed.fileNames.map((f) => relative(dir, f).split("\\").join("/"));
  return { options: parsed.options, inputs };
}

describe.each(packages)("@workers/%s tarball", (name) => {
  const dir = `${packagesDir}${name}/`;

  it("ships every file its source maps are built from, or builds no maps", {
    timeout: 60_000,
  }, () => {
    const files = packList(dir);
    const { options, inputs } = buildConfig(dir);
    expect(inputs.length).toBeGreaterThan(0);
    if (options.sourceMap || options.declarationMap) {
      expect(inputs.filter((f) => !files.has(f))).toEqual([]);
    } else {
      expect([...files].filter((f) => f.endsWith(".map"))).toEqual([]);
    }
    // Tests are not shipped, as sources or as output.
    expect([...files].filter((f) => /\.test(-d)?\.[cm]?[jt]s/.test(f))).toEqual([]);
  });

  // The built maps themselves; a fresh clone has none until `npm start` (CI builds first).
  it.skipIf(!existsSync(`${dir}dist`))(
    "every `sources` entry of every packed .map is in the tarball",
    { timeout: 60_000 },
    () => {
      const files = packList(dir);
      const missing = [];
      for (const map of [...files].filter((f) => f.endsWith(".map"))) {
        const { sources, sourceRoot = "" } = JSON.parse(readFileSync(`${dir}${map}`, "utf8"));
        for (const source of sources) {
          const path = posix.normalize(posix.join(posix.dirname(map), sourceRoot, source));
          if (!files.has(path)) missing.push(`${map} -> ${source}`);
        }
      }
      expect(missing).toEqual([]);
    },
  );
});
