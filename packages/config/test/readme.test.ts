import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { IssueCode, loadDefinition } from "../src/index.js";

const root = new URL("../", import.meta.url);
const readme = readFileSync(new URL("README.md", root), "utf8");
const read = (path: string): string => readFileSync(new URL(path, root), "utf8");

// Every ```json / ```yaml / ```ts block of the README is preceded by `<!-- examples/<file> -->`
// and must be exactly that file, which the tests below execute.
const blocks = [
  ...readme.matchAll(/(?:<!-- (examples\/[\w.-]+) -->\n)?```(json|yaml|ts)\n([\s\S]*?)```/g),
];

describe("README examples", () => {
  it("has a JSON, a YAML and a TypeScript definition", () => {
    const files = blocks.map((b) => b[1]);
    expect(files).toContain("examples/workers.json");
    expect(files).toContain("examples/workers.yaml");
    expect(files).toContain("examples/definition.ts");
  });

  it.each(blocks.map((b) => [b[1] ?? `(unmarked ${b[2]} block)`, b[3]] as const))(
    "%s is the example file",
    (file, code) => {
      expect(file.startsWith("examples/"), "every code block names its example file").toBe(true);
      expect(code).toBe(read(file));
    },
  );

  it("the JSON and YAML definitions load to the same definition", async () => {
    const fromJson = await loadDefinition(new URL("examples/workers.json", root));
    const fromYaml = await loadDefinition(new URL("examples/workers.yaml", root));
    expect(fromYaml).toEqual(fromJson);
    expect(fromJson.workers.download).toMatchObject({
      kind: "command",
      dispatch: "thread",
      expose: true,
      workerRef: { exportName: "download" },
    });
    expect(fromJson.workers.heartbeat?.workerRef?.exportName).toBe("default");
    // The YAML spells the policies in kebab-case; both normalize to the same shape.
    expect(fromJson.workers.download).toMatchObject({
      retry: { attempts: 4, backoffMs: { initialMs: 200, factor: 2, maxMs: 5000, jitter: 0.2 } },
      timeoutMs: 30_000,
      rateLimit: { max: 20, intervalMs: 1000 },
    });
  });

  it("the TypeScript definition parses", async () => {
    const { normalized } = await import("../examples/definition.js");
    expect(normalized.workers.resize?.dispatch).toBe("go");
    expect(normalized.workers.heartbeat).toMatchObject({ intervalMs: 5000, initialDelayMs: 5000 });
    expect(normalized.channels["images/resize"]?.putMode).toBe("block");
    expect(normalized.workers.resize).toMatchObject({
      retry: { attempts: 3, backoffMs: [100, 1000] },
      timeoutMs: 10_000,
    });
  });

  it("documents every issue code in a table", () => {
    const section = readme.slice(
      readme.indexOf("## Rules and issue codes"),
      readme.indexOf("## d-core"),
    );
    const documented = [...section.matchAll(/^\| `([a-z-]+)` \|/gm)].map((m) => m[1]);
    expect(new Set(documented)).toEqual(new Set(Object.values(IssueCode)));
  });

  it("the loading example runs", async () => {
    const log: unknown[] = [];
    const original = console.log;
    console.log = (...args: unknown[]) => log.push(args);
    try {
      await import("../examples/load.js");
    } finally {
      console.log = original;
    }
    expect(log).toEqual([[["download", "resize", "heartbeat"]]]);
  });

  it("the retry example prints the delays it says", async () => {
    const log: unknown[] = [];
    const original = console.log;
    console.log = (...args: unknown[]) => log.push(args);
    try {
      await import("../examples/retry.js");
    } finally {
      console.log = original;
    }
    expect(log).toEqual([[[100, 300, 900, 1000]]]);
  });
});
