// Runs every ```ts block of the repository's README.md, each in a process of its own as a user
// would run it, from this example's folder (so `./src/commands.js` references resolve).
import { execFile } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL("..", import.meta.url));
const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
const written: string[] = [];

// What each block prints, in README order.
const expected: Record<number, string> = {
  0: "",
  1: "true 2\n",
  2: "ok ping\n",
  3: "cmd { cmd: 'ping' }\n",
  4: "1 { 'jobs/in': 1 }\n",
  5: [
    "{ stored: 'out/a.png' }",
    "image event: { stored: 'out/a.png' }",
    "image event: { stored: 'out/b.png' }",
    "worker error event: workers.error no name",
    "",
  ].join("\n"),
};

// What a block writes on stderr: the default console emitter reports the failing message.
const expectedStderr: Record<number, RegExp> = {
  5: /^\[workers\] worker "imageStore" failed \(from images\/in\): Error: no name\n\s+at /,
};

afterAll(() => {
  for (const file of written) rmSync(file, { force: true });
});

describe("README.md", () => {
  it("has the tour's code blocks", () => {
    expect(blocks).toHaveLength(Object.keys(expected).length);
  });

  blocks.forEach((code, index) => {
    const title =
      code
        .split("\n")
        .find((line) => line.includes("startWorkers(") || line.includes("workersComponent(")) ??
      "definition";
    it(`block ${index + 1} runs and prints what it shows (${title.trim()})`, async () => {
      const file = `${packageDir}.readme-block-${index + 1}.ts`;
      writeFileSync(file, code);
      written.push(file);
      const { stdout, stderr } = await run(
        process.execPath,
        [
          "--conditions=@workers/source",
          "--import",
          new URL("./register-tsx.mjs", import.meta.url).href,
          file,
        ],
        { cwd: packageDir, timeout: 25_000 },
      );
      const stderrPattern = expectedStderr[index];
      if (stderrPattern === undefined) expect(stderr).toBe("");
      else expect(stderr).toMatch(stderrPattern);
      expect(stdout).toBe(expected[index]);
    });
  });
});
