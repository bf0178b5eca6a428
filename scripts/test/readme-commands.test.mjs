// README's two commands are what a new user types on a machine with only Node.js, and what CI
// runs: this keeps README, package.json's scripts and .ci/run saying the same thing.
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { pinnedVersion, pnpmCommand } from "../pnpm.mjs";

const root = new URL("../../", import.meta.url);
const read = (path) => readFileSync(new URL(path, root), "utf8");
const pkg = JSON.parse(read("package.json"));

/** Commands of a shell text: comments and blank lines dropped. */
const commandLines = (text) =>
  text
    .split("\n")
    .map((line) => line.replace(/(^|\s)#.*$/, "").trim())
    .filter((line) => line !== "");

// The first code block of README.md.
const readmeCommands = commandLines(/```sh\n([\s\S]*?)```/.exec(read("README.md"))?.[1] ?? "");
// What .ci/run runs, without leading variable assignments and a trailing `|| true`.
const ciLines = commandLines(read(".ci/run"));
const ciCommands = ciLines.map((line) =>
  line.replace(/^(?:\w+=(?:"[^"]*"|\S*)\s+)+/, "").replace(/\s*\|\|\s*true$/, ""),
);

describe("README's commands", () => {
  it("are two npm commands: one for the demo, one for the tests", () => {
    expect(readmeCommands).toEqual(["npm start", "npm test"]);
  });

  it("are the commands .ci/run runs for the demo and the tests", () => {
    for (const command of readmeCommands) expect(ciCommands).toContain(command);
    expect(ciCommands.filter((c) => /^pnpm (start|test)\b/.test(c))).toEqual([]);
    // The tests run with the JSON report the tally reads.
    expect(ciLines.some((l) => /\bWORKERS_VITEST_JSON=\S+ npm test\b/.test(l))).toBe(true);
  });

  it.each(["start", "test"])(
    "npm %s runs a package.json script that needs no pnpm on PATH",
    (name) => {
      const script = pkg.scripts[name];
      expect(typeof script).toBe("string");
      // Every step is a node script of this repository or a binary of node_modules/.bin
      // (vitest: after the install that precedes it).
      const steps = script.split("&&").map((s) => s.trim());
      for (const step of steps) {
        expect(step, step).toMatch(/^(node scripts\/[\w-]+\.mjs\b|vitest\b)/);
        const file = /^node (scripts\/[\w-]+\.mjs)/.exec(step)?.[1];
        if (file !== undefined) expect(existsSync(new URL(file, root)), file).toBe(true);
      }
      expect(steps[0]).toBe("node scripts/install.mjs");
    },
  );

  it("npm test ends in vitest, so arguments and WORKERS_* variables reach it", () => {
    expect(pkg.scripts.test).toMatch(/&& vitest run$/);
  });

  it("npm installs nothing itself: the workspace is pnpm's", () => {
    expect(pkg.workspaces).toBeUndefined();
    for (const hook of ["preinstall", "install", "postinstall", "prestart", "pretest"]) {
      expect(pkg.scripts[hook], hook).toBeUndefined();
    }
  });

  it("run the pnpm version packageManager pins, through npx when PATH has another", () => {
    expect(`pnpm@${pinnedVersion()}`).toBe(pkg.packageManager.split("+")[0]);
    expect(pnpmCommand("0.0.0-not-on-path")).toEqual(["npx", ["--yes", "pnpm@0.0.0-not-on-path"]]);
  });
});
