// Runs the pnpm that package.json's `packageManager` pins, so README's `npm start` and
// `npm test` need nothing but Node.js: the pnpm on PATH when it is that version, else the same
// version through `npx --yes` (fetched once into npm's cache). Usage: node scripts/pnpm.mjs <args>
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("..", import.meta.url));

/** The pinned version: `pnpm@10.34.9` (a `+sha...` suffix allowed). */
export function pinnedVersion() {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  const match = /^pnpm@(\d+\.\d+\.\d+[^+]*)/.exec(pkg.packageManager ?? "");
  if (match === null) {
    throw new Error(
      `package.json's packageManager is ${JSON.stringify(pkg.packageManager)}, not pnpm@<version>`,
    );
  }
  return match[1];
}

const windows = process.platform === "win32";

/** The command that runs the pinned pnpm: [file, args before the user's]. */
export function pnpmCommand(version = pinnedVersion()) {
  const onPath = spawnSync("pnpm", ["--version"], { encoding: "utf8", shell: windows });
  if (onPath.status === 0 && onPath.stdout.trim() === version) return ["pnpm", []];
  return ["npx", ["--yes", `pnpm@${version}`]];
}

/** Runs pinned pnpm with `args` in the repository root; returns its exit code. */
export function runPnpm(args) {
  const [file, before] = pnpmCommand();
  const result = spawnSync(file, [...before, ...args], {
    cwd: root,
    stdio: "inherit",
    shell: windows,
  });
  if (result.error !== undefined) throw result.error;
  return result.status ?? 1;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = runPnpm(process.argv.slice(2));
}
