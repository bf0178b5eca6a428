import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { FunctionRefError, parseFunctionRef, resolveFunctionRef } from "../src/index.js";

const fixtures = new URL("./fixtures/", import.meta.url);
const workersUrl = new URL("workers.js", fixtures).href;

const failure = async (ref: string): Promise<FunctionRefError> => {
  const error = await resolveFunctionRef(ref, fixtures).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(FunctionRefError);
  return error as FunctionRefError;
};

describe("parseFunctionRef", () => {
  it.each([
    ["./workers.js#resize", "./workers.js", "resize"],
    ["./workers.js", "./workers.js", "default"],
    ["my-lib/workers#download", "my-lib/workers", "download"],
    ["#app/workers#run", "#app/workers", "run"],
    ["#app/workers", "#app/workers", "default"],
    ["file:///srv/w.js#f", "file:///srv/w.js", "f"],
  ])("%s -> %s, %s", (ref, specifier, exportName) => {
    expect(parseFunctionRef(ref)).toEqual({ specifier, exportName });
  });

  it.each(["", "#", "./a.js#", " #x"])("rejects %j", (ref) => {
    expect(() => parseFunctionRef(ref)).toThrow(
      expect.objectContaining({ code: "ERR_INVALID_REFERENCE", ref }),
    );
  });
});

describe("resolveFunctionRef", () => {
  it("returns the function, its module URL and export name", async () => {
    const mod = await import("./fixtures/workers.js");
    expect(await resolveFunctionRef("./workers.js#heartbeat", fixtures)).toEqual({
      fn: mod.heartbeat,
      url: workersUrl,
      exportName: "heartbeat",
    });
  });

  it("takes the base as a URL string, a file path, or a directory path ending in /", async () => {
    const dir = fileURLToPath(fixtures);
    for (const base of [
      fixtures.href,
      `${dir}`,
      `${dir}workers.js`,
      new URL("seed.yaml", fixtures),
    ]) {
      expect((await resolveFunctionRef("./workers.js#commands", base)).url).toBe(workersUrl);
    }
  });

  it("resolves packages from the base's node_modules", async () => {
    const { fn, exportName } = await resolveFunctionRef("zod#string", fixtures);
    expect(exportName).toBe("string");
    expect(typeof fn).toBe("function");
  });

  it("reports a missing module with the resolution error as cause", async () => {
    const e = await failure("no-such-package-4f1e#x");
    expect(e.code).toBe("ERR_MODULE_NOT_FOUND");
    expect((e.cause as NodeJS.ErrnoException).code).toBe("ERR_MODULE_NOT_FOUND");
  });

  it("lists the exports that exist", async () => {
    const e = await failure("./workers.js#nope");
    expect(e.code).toBe("ERR_EXPORT_NOT_FOUND");
    expect(e.exports).toEqual([
      "commands",
      "default",
      "heartbeat",
      "imageDownload",
      "imageResize",
      "imageStore",
      "notAFunction",
    ]);
  });

  it("rejects an export that is not a function, listing the function exports", async () => {
    const e = await failure("./workers.js#notAFunction");
    expect(e.code).toBe("ERR_NOT_A_FUNCTION");
    expect(e.exports).not.toContain("notAFunction");
    expect(e.exports).toContain("commands");
  });

  it("names the file, line and column of a module that does not parse (plain Node)", () => {
    // Under vitest, modules load through Vite, which reports its own parse error: the import
    // runs in a child process, as in production.
    // Written at test time: a file that does not parse would fail the repository's linter.
    const dir = mkdtempSync(join(tmpdir(), "workers-syntax-"));
    writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
    writeFileSync(
      join(dir, "syntax-error.js"),
      "export function ok() {\n  return 1;\n}\n\nexport function broken( {\n  return 2;\n}\n",
    );
    const script = `
      import { resolveFunctionRef } from ${JSON.stringify(new URL("../src/function-ref.ts", import.meta.url).href)};
      try {
        await resolveFunctionRef("./syntax-error.js#ok", ${JSON.stringify(pathToFileURL(`${dir}/`).href)});
      } catch (e) {
        console.log(JSON.stringify({ code: e.code, message: e.message, location: e.location, cause: e.cause?.name }));
      }`;
    const out = execFileSync(
      process.execPath,
      ["--import", "tsx", "--input-type=module", "-e", script],
      { encoding: "utf8" },
    );
    const e = JSON.parse(out);
    expect(e.code).toBe("ERR_MODULE_LOAD");
    expect(e.cause).toBe("SyntaxError");
    expect(e.location).toMatchObject({ line: 6, file: expect.stringMatching(/syntax-error\.js$/) });
    expect(e.message).toMatch(/syntax-error\.js:6:10: Unexpected number/);
  });

  it("a module that throws while running has no location of a syntax error", async () => {
    const e = await failure("./throws-on-load.js");
    expect(e.location).toBeUndefined();
  });

  it("carries a module's load error as cause", async () => {
    const e = await failure("./throws-on-load.js");
    expect(e.code).toBe("ERR_MODULE_LOAD");
    expect((e.cause as Error).message).toBe("boom at load");
  });
});
