// Installs the workspace with the pinned pnpm (scripts/pnpm.mjs) unless node_modules already
// matches the lockfile: pnpm keeps a copy of the lockfile it installed in node_modules/.pnpm.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { root, runPnpm } from "./pnpm.mjs";

const installed = join(root, "node_modules", ".pnpm", "lock.yaml");
const upToDate =
  existsSync(installed) &&
  readFileSync(installed, "utf8") === readFileSync(join(root, "pnpm-lock.yaml"), "utf8");
if (!upToDate) process.exitCode = runPnpm(["install", "--frozen-lockfile"]);
