import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ConfigError, loadDefinition, parseDefinition, validateDefinition } from "../src/index.js";
import { seedDefinition } from "./fixtures/seed.js";

const baseUrl = new URL("./fixtures/", import.meta.url);

describe("the seed's example definition", () => {
  it("validates in camelCase except for its undeclared images/store, with a suggestion", async () => {
    const result = await validateDefinition(seedDefinition, { baseUrl });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toHaveLength(1);
    const [issue] = result.issues;
    expect(issue).toMatchObject({
      code: "undeclared-channel",
      path: ["workers", "imageStore", "in"],
    });
    expect(issue?.message).toContain('channel "images/store" is not declared');
    expect(issue?.message).toMatch(/Did you mean "images\/\w+"\?/);
    expect(issue?.message).toContain('channels: { "images/store": { buffer: 8 } }');
  });

  it("is reported by parseDefinition as the README shows", async () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const shown = /```text\n(Invalid workers definition[\s\S]*?)\n```/.exec(readme)?.[1];
    const error = await parseDefinition(seedDefinition, { baseUrl }).catch((e: unknown) => e);
    expect((error as ConfigError).message).toBe(shown);
  });

  it("loads as a kebab-case YAML file with the same single issue, at the path as written", async () => {
    const error = await loadDefinition(new URL("seed.yaml", baseUrl)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    const e = error as ConfigError;
    expect(e.file).toMatch(/seed\.yaml$/);
    expect(e.issues.map((i) => [i.code, i.path])).toEqual([
      ["undeclared-channel", ["workers", "image-store", "in"]],
    ]);
    expect(e.issues[0]).toMatchObject({ line: 29, column: 5 });
    expect(e.message).toContain('workers["image-store"].in (line 29, column 5): channel');
  });

  it("validates completely once images/store is declared, in both spellings", async () => {
    const fixed = {
      ...seedDefinition,
      channels: { ...seedDefinition.channels, "images/store": { buffer: 2 } },
    };
    const fromTs = await parseDefinition(fixed, { baseUrl });
    expect(Object.keys(fromTs.workers)).toEqual([
      "commands",
      "imageDownload",
      "imageResize",
      "imageStore",
    ]);
    expect(fromTs.channels["images/in"]).toEqual({
      buffer: 4,
      bufferType: "dropping",
      putMode: "drop",
    });
    expect(fromTs.workers.commands).toMatchObject({
      kind: "command",
      in: "commands/in",
      dispatch: "thread",
      expose: true,
      failChan: "workers/errors",
      workerRef: { exportName: "commands" },
    });
    expect(fromTs.workers.imageStore).toMatchObject({ outputChan: "images/out", expose: false });

    const { parse } = await import("yaml");
    const { readFile } = await import("node:fs/promises");
    const yaml = parse(await readFile(new URL("seed.yaml", baseUrl), "utf8")) as {
      channels: Record<string, unknown>;
    };
    yaml.channels[":images/store"] = { buffer: 2 };
    const fromYaml = await parseDefinition(yaml, { baseUrl });
    expect(fromYaml.channels).toEqual(fromTs.channels);
    expect(fromYaml.workers["image-download"]).toMatchObject({
      in: "images/in",
      expose: true,
      dispatch: "thread",
    });
    expect(fromYaml.workers["image-store"]?.outputChan).toBe("images/out");
  });
});
