import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, loadDefinition } from "../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "workers-config-"));
const handlers = new URL("./fixtures/workers.js", import.meta.url).href;
const write = (name: string, text: string): string => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const failure = async (file: string | URL): Promise<ConfigError> => {
  const error = await loadDefinition(file).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
};

const json = {
  channels: { in: { buffer: 2 } },
  workers: { w: { kind: "command", in: "in", workerFn: `${handlers}#commands` } },
};

describe("loadDefinition", () => {
  it("loads JSON from a path or a URL", async () => {
    const file = write("a.json", JSON.stringify(json));
    const fromPath = await loadDefinition(file);
    const fromUrl = await loadDefinition(pathToFileURL(file));
    expect(fromPath.workers.w?.workerRef?.exportName).toBe("commands");
    expect(fromUrl.channels).toEqual(fromPath.channels);
  });

  it("resolves references relative to the file", async () => {
    write("local.js", "export function run(_ctx, msg) { return msg; }\n");
    const file = write(
      "rel.yml",
      "channels: {in: {}}\nworkers:\n  w: {kind: command, in: in, worker-fn: ./local.js#run}\n",
    );
    const def = await loadDefinition(file);
    expect(def.workers.w?.workerRef).toEqual({
      url: pathToFileURL(join(dir, "local.js")).href,
      exportName: "run",
    });
  });

  it("loads a module's default export, or its `definition` export", async () => {
    const a = write("def-default.mjs", `export default ${JSON.stringify(json)};\n`);
    const b = write("def-named.js", `export const definition = ${JSON.stringify(json)};\n`);
    expect((await loadDefinition(a)).workers.w?.kind).toBe("command");
    expect((await loadDefinition(b)).workers.w?.kind).toBe("command");
  });

  it("reports a module without a definition export", async () => {
    const e = await failure(write("none.mjs", "export const other = 1;\n"));
    expect(e.issues.map((i) => [i.code, i.path])).toEqual([["export-not-found", []]]);
    expect(e.issues[0]?.message).toContain("other");
  });

  it("reports an invalid definition with the file name", async () => {
    const file = write("bad.json", JSON.stringify({ workers: { w: { kind: "command" } } }));
    const e = await failure(file);
    expect(e.file).toBe(file);
    expect(e.message).toContain(file);
    expect(e.issues.map((i) => i.code)).toEqual(["required", "required"]);
    // A missing key is located at its nearest parent: the worker's name.
    expect(e.issues.map((i) => [i.line, i.column])).toEqual([
      [1, 13],
      [1, 13],
    ]);
  });

  it("locates issues in a YAML file, also under kebab-case keys and keyword names", async () => {
    const file = write(
      "where.yaml",
      [
        "channels:",
        "  :in: {buffer: -1}",
        "workers:",
        "  w:",
        "    kind: command",
        "    in: :in",
        "    worker-fn: ./nowhere.js#x",
        "    bogus: 1",
        "",
      ].join("\n"),
    );
    const e = await failure(file);
    expect(e.issues.map((i) => [i.code, i.path, i.line, i.column])).toEqual([
      ["out-of-range", ["channels", ":in", "buffer"], 2, 9],
      ["unknown-key", ["workers", "w", "bogus"], 8, 5],
      ["module-not-found", ["workers", "w", "worker-fn"], 7, 5],
    ]);
  });

  it("reports a missing file, with the read error as cause", async () => {
    const e = await failure(join(dir, "missing.json"));
    expect(e.issues[0]?.code).toBe("file-unreadable");
    expect((e.cause as NodeJS.ErrnoException).code).toBe("ENOENT");
  });

  it("reports a missing module file", async () => {
    const e = await failure(join(dir, "missing.mjs"));
    expect(e.issues[0]?.code).toBe("file-unreadable");
  });

  it("reports a module that throws while loading", async () => {
    const e = await failure(write("throws.mjs", "throw new Error('nope');\n"));
    expect(e.issues[0]?.code).toBe("module-load-failed");
    expect((e.cause as Error).message).toBe("nope");
  });

  it("reports malformed JSON and YAML as syntax errors", async () => {
    expect((await failure(write("broken.json", "{ nope"))).issues[0]?.code).toBe("syntax-error");
    expect((await failure(write("broken.yaml", "a: [1, 2\n"))).issues[0]?.code).toBe(
      "syntax-error",
    );
    expect((await failure(write("dupe.yaml", "a: 1\na: 2\n"))).issues[0]?.code).toBe(
      "syntax-error",
    );
  });

  it("refuses other extensions", async () => {
    const e = await failure(write("def.toml", ""));
    expect(e.issues.map((i) => [i.code, i.path])).toEqual([["unsupported-file", []]]);
  });
});
