// Runs every benchmark module in a fixed order; each exports `run(): Promise<void>` and prints
// its own table. `pnpm bench -- go` runs only the named ones.
const MODULES = ["go", "thread"] as const;

const only = process.argv.slice(2).filter((a) => !a.startsWith("-"));

for (const name of MODULES) {
  if (only.length > 0 && !only.includes(name)) continue;
  const mod = (await import(`./${name}.ts`)) as { run?: () => Promise<void> };
  if (typeof mod.run !== "function") throw new TypeError(`bench/${name}.ts does not export run()`);
  await mod.run();
}
