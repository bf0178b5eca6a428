// The README's topology graph is `workers graph src/definition.ts`, and its screenshot exists.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const dir = fileURLToPath(new URL("..", import.meta.url));
const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

describe("README", () => {
  it("shows the Mermaid graph that `workers graph src/definition.ts` prints", async () => {
    const blocks = [...readme.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(blocks).toHaveLength(1);
    // The CLI's bin from source (what `pnpm graph` runs once built).
    const bin = fileURLToPath(new URL("../../../packages/cli/src/bin.ts", import.meta.url));
    const tsx = new URL("./register-tsx.mjs", import.meta.url).href;
    const { stdout } = await run(
      process.execPath,
      ["--conditions=@workers/source", "--import", tsx, bin, "graph", "src/definition.ts"],
      { cwd: dir },
    );
    expect(stdout).toMatch(/^flowchart LR\n/);
    expect(blocks[0]).toBe(stdout);
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    expect(pkg.scripts.graph).toBe("workers graph src/definition.ts");
  });

  it("shows the dashboard screenshot, a PNG in docs/", () => {
    expect(readme).toContain("![The image-pipeline dashboard during the demo](docs/dashboard.png)");
    const png = readFileSync(new URL("../docs/dashboard.png", import.meta.url));
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    // Width and height from the IHDR chunk: a full-page shot of a 1280 px wide window.
    expect(png.readUInt32BE(16)).toBe(1280);
    expect(png.readUInt32BE(20)).toBeGreaterThan(600);
  });
});
