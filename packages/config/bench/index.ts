// Validation throughput, each figure beside its baseline (zod's own parse of the same input).
// Run: pnpm bench (in packages/config).
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { loadDefinition, parseDefinition, validateDefinition } from "../src/index.js";
import { definitionSchema } from "../src/schema.js";

const here = new URL("../examples/", import.meta.url);
const yamlFile = new URL("workers.yaml", here);
const jsonText = readFileSync(new URL("workers.json", here), "utf8");
const fn = (_ctx: unknown, msg: unknown) => msg;

function inline(workers: number): unknown {
  const channels: Record<string, unknown> = {};
  const ws: Record<string, unknown> = {};
  for (let i = 0; i < workers; i++) {
    channels[`in/${i}`] = { buffer: 8 };
    channels[`out/${i}`] = { buffer: 8, bufferType: "sliding" };
    ws[`w${i}`] = {
      kind: "command",
      in: `in/${i}`,
      workerFn: fn,
      outputChan: `out/${i}`,
      expose: true,
    };
  }
  return { channels, workers: ws };
}

async function measure(name: string, run: () => unknown): Promise<[string, number]> {
  const warmupEnd = performance.now() + 200;
  while (performance.now() < warmupEnd) await run();
  let n = 0;
  const start = performance.now();
  const end = start + 1000;
  while (performance.now() < end) {
    await run();
    n++;
  }
  return [name, Math.round((n * 1000) / (performance.now() - start))];
}

const small = inline(4);
const large = inline(100);
const json = JSON.parse(jsonText) as unknown;
const rows: [string, number][] = [];
rows.push(
  await measure("zod safeParse, 4 workers (baseline)", () => definitionSchema.safeParse(small)),
);
rows.push(await measure("validateDefinition, 4 workers", () => validateDefinition(small)));
rows.push(
  await measure("zod safeParse, 100 workers (baseline)", () => definitionSchema.safeParse(large)),
);
rows.push(await measure("validateDefinition, 100 workers", () => validateDefinition(large)));
rows.push(
  await measure("parseDefinition, README JSON, 3 references (modules cached)", () =>
    parseDefinition(json, { baseUrl: new URL("workers.json", here) }),
  ),
);
rows.push(
  await measure("YAML parse only (baseline)", () => parseYaml(readFileSync(yamlFile, "utf8"))),
);
rows.push(await measure("loadDefinition, README YAML", () => loadDefinition(yamlFile)));

console.log("| case | ops/s |\n| --- | ---: |");
for (const [name, ops] of rows) console.log(`| ${name} | ${ops.toLocaleString("en-US")} |`);
