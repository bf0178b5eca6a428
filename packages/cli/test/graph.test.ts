import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadDefinition } from "@workers/config";
import { topology } from "@workers/dashboard";
import { describe, expect, it } from "vitest";
import { FIXTURES, type ParsedGraph, parseDot, parseMermaid, runBin } from "./helpers.js";

async function expected(file: string): Promise<ParsedGraph> {
  const t = topology(await loadDefinition(join(FIXTURES, file)));
  const name = (id: string) => id.slice(id.indexOf(":") + 1);
  return {
    nodes: t.nodes.map((n) =>
      n.kind === "channel"
        ? { name: n.name, kind: n.kind }
        : { name: n.name, kind: n.kind, workerKind: n.workerKind },
    ),
    edges: t.edges.map((e) => ({ from: name(e.from), to: name(e.to), role: e.role })),
  };
}

describe("workers graph", () => {
  it.each(["good.yaml", "weird.json"])(
    "Mermaid (the default) parses back into the same nodes and edges: %s",
    async (file) => {
      const r = await runBin(["graph", file]);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      const graph = parseMermaid(r.stdout);
      const want = await expected(file);
      expect(graph).toEqual(want);
      expect(want.edges.map((e) => e.role).sort()).toEqual(
        file === "good.yaml"
          ? ["fail", "in", "in", "in", "out", "output"]
          : ["in", "out", "output"],
      );
    },
  );

  it.each(["good.yaml", "weird.json"])(
    "DOT parses back into the same nodes and edges: %s",
    async (file) => {
      const r = await runBin(["graph", file, "--format", "dot"]);
      expect(r.code).toBe(0);
      expect(parseDot(r.stdout)).toEqual(await expected(file));
    },
  );

  it("the same topology gives the same graph from YAML, JSON and TypeScript", async () => {
    const outputs = await Promise.all(
      ["good.yaml", "good.json", "good.ts"].map((f) => runBin(["graph", f])),
    );
    expect(outputs.map((o) => o.code)).toEqual([0, 0, 0]);
    expect(new Set(outputs.map((o) => o.stdout)).size).toBe(1);
  });

  it("an invalid definition prints its issues and exits 1, with nothing on stdout", async () => {
    const r = await runBin(["graph", "bad.yaml", "--format", "dot"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("bad.yaml:8:5: error: workers.imageStore.in:");
  });
});

describe("workers schema", () => {
  it("prints the JSON Schema @workers/config ships", async () => {
    const r = await runBin(["schema"]);
    expect(r.code).toBe(0);
    const shipped = readFileSync(
      new URL(import.meta.resolve("@workers/config/schema.json")),
      "utf8",
    );
    expect(r.stdout).toBe(shipped);
    expect(JSON.parse(r.stdout).$schema).toBe("https://json-schema.org/draft/2020-12/schema");
  });
});

describe("usage", () => {
  it.each([
    [[], "usage: workers"],
    [["deploy"], 'unknown command "deploy"'],
    [["validate"], "validate takes one definition file, got none"],
    [["validate", "a.yaml", "b.yaml"], "validate takes one definition file"],
    [["graph", "good.yaml", "--format", "svg"], '--format: expected mermaid or dot, got "svg"'],
    [["validate", "good.yaml", "--colour"], "Unknown option '--colour'"],
    [["run", "good.yaml", "--port", "http"], '--port: expected an integer in 0..65535, got "http"'],
    [["run", "good.yaml", "--stop-timeout", "0"], "--stop-timeout: expected an integer"],
    [["schema", "extra"], "schema takes no file"],
  ])("%j exits 2 with a clear message", async (args, message) => {
    const r = await runBin(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    if (args.length > 0)
      expect(r.stderr).toMatch(/\[ERR_USAGE\]\nRun workers --help for usage\.\n$/);
  });

  it("--help prints the usage on stdout, --version the package version", async () => {
    const help = await runBin(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("workers validate <file>".replace("workers ", ""));
    expect(help.stdout).toContain(
      "exit codes: 0 ok, 1 invalid definition, 2 usage, 3 cannot start",
    );
    expect((await runBin(["run", "--help"])).code).toBe(0);
    const version = await runBin(["--version"]);
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    expect(version.stdout).toBe(`${pkg.version}\n`);
  });
});
