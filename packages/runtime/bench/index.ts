// Runs every benchmark module in a fixed order; each exports `run(): Promise<void>` and prints
// its own table. `pnpm bench -- go` runs only the named ones. With more than one module, each
// runs in a process of its own: the go rows leave a heap of over a gigabyte behind (p-queue and
// fastq.promise hold a promise per queued job), and the thread rows must not pay its GC.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const MODULES = ["go", "thread"] as const;

const only = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const selected = MODULES.filter((name) => only.length === 0 || only.includes(name));

if (selected.length === 1) {
  const mod = (await import(`./${selected[0]}.ts`)) as { run?: () => Promise<void> };
  if (typeof mod.run !== "function") {
    throw new TypeError(`bench/${selected[0]}.ts does not export run()`);
  }
  await mod.run();
} else {
  const self = fileURLToPath(import.meta.url);
  for (const name of selected) {
    const child = spawnSync(process.execPath, [...process.execArgv, self, name], {
      stdio: "inherit",
    });
    if (child.status !== 0) process.exit(child.status ?? 1);
  }
}
