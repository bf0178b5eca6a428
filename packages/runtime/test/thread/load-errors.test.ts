// A thread module that does not parse: ThreadLoadError names the file, line and column.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { sourceLocation } from "@workers/config/source-location";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { ThreadLoadError } from "../../src/errors.js";
import { startWorkers } from "../../src/index.js";
import { dispatcher, fixture, tsxExecArgv } from "./helpers.js";

// The broken modules are written at run time: a file that does not parse would break the
// repository's own typecheck and lint.
let dir: string;
const file = (name: string) => join(dir, name);
const ref = (name: string, exportName = "fn") => ({
  url: pathToFileURL(file(name)).href,
  exportName,
});

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "workers-load-errors-"));
  mkdirSync(dir, { recursive: true });
  // The `;` on line 4 is column 11.
  writeFileSync(file("bad.mjs"), "export function fn(_ctx, n) {\n  return n;\n}\nconst x = ;\n");
  // Parses, but imports a module that does not (line 2, column 7).
  writeFileSync(file("bad-dep.mjs"), "export const a = 1;\nconst = 2;\n");
  writeFileSync(
    file("uses-bad-dep.mjs"),
    'import { a } from "./bad-dep.mjs";\nexport function fn() {\n  return a;\n}\n',
  );
  // An import of a name the module does not export: a link error (line 1, column 10).
  writeFileSync(file("names.mjs"), "export const here = 1;\n");
  writeFileSync(
    file("bad-link.mjs"),
    'import { gone } from "./names.mjs";\nexport function fn() {\n  return gone;\n}\n',
  );
  writeFileSync(
    file("bad-setup.mjs"),
    "export function around(_i, _h, run) {\n  return run(;\n}\n",
  );
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function loadError(refs: { url: string; exportName: string }[]): Promise<ThreadLoadError> {
  const d = dispatcher({ min: 1, max: 1 });
  try {
    return (await d.load(refs).then(
      () => expect.unreachable("load should fail"),
      (e: unknown) => e,
    )) as ThreadLoadError;
  } finally {
    await d.close();
  }
}

describe("a thread module that does not parse", { timeout: 30_000 }, () => {
  test("the error names the module's file, line and column; the SyntaxError is the cause", async () => {
    const error = await loadError([ref("bad.mjs")]);
    expect(error.code).toBe("ERR_THREAD_LOAD");
    expect(error.url).toBe(ref("bad.mjs").url);
    expect(error.message).toContain(`${file("bad.mjs")}:4:11`);
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  test("a syntax error in a module it imports names that module", async () => {
    const error = await loadError([ref("uses-bad-dep.mjs")]);
    expect(error.code).toBe("ERR_THREAD_LOAD");
    expect(error.url).toBe(ref("uses-bad-dep.mjs").url);
    expect(error.message).toContain(`${file("bad-dep.mjs")}:2:7`);
  });

  test("an import of a missing export names the importing line", async () => {
    const error = await loadError([ref("bad-link.mjs")]);
    expect(error.code).toBe("ERR_THREAD_LOAD");
    expect(error.message).toContain(`${file("bad-link.mjs")}:1:10`);
  });

  test("a module that throws while loading is reported as before, without a location", async () => {
    const error = await loadError([fixture("broken", "default")]);
    expect(error.code).toBe("ERR_THREAD_LOAD");
    expect(sourceLocation(((error.cause as Error).stack ?? "") as string)).toBeUndefined();
  });

  test("a threads.setup module that does not parse fails startWorkers, naming it", async () => {
    const error = (await startWorkers(
      {
        channels: { "x/in": { buffer: 1 } },
        workers: {
          x: {
            kind: "command",
            in: "x/in",
            workerFn: "../fixtures/thread-basic.ts#echo",
            dispatch: "thread",
          },
        },
      },
      {},
      {
        baseUrl: import.meta.url,
        threads: { min: 1, max: 1, execArgv: tsxExecArgv, setup: file("bad-setup.mjs") },
      },
    ).then(
      () => expect.unreachable("start should fail"),
      (e: unknown) => e,
    )) as ThreadLoadError;
    expect(error.code).toBe("ERR_THREAD_LOAD");
    expect(error.url).toBe(pathToFileURL(file("bad-setup.mjs")).href);
    expect(error.message).toContain(`${file("bad-setup.mjs")}:2:14`);
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });
});

describe("sourceLocation", () => {
  test("reads Node's location line, and the caret's column", () => {
    expect(
      sourceLocation(
        "file:///tmp/a.mjs:4\nconst x = ;\n          ^\n\nSyntaxError: Unexpected token",
      ),
    ).toEqual({ file: "/tmp/a.mjs", line: 4, column: 11 });
    expect(sourceLocation("/tmp/a.js:7\nfoo(\n\nSyntaxError: x")).toEqual({
      file: "/tmp/a.js",
      line: 7,
      column: undefined,
    });
  });

  test("a plain stack has no location", () => {
    expect(sourceLocation("SyntaxError: Unexpected end of JSON input:1\n    at x")).toBeUndefined();
    expect(sourceLocation("Error: boom\n    at file:///a.mjs:1:1")).toBeUndefined();
  });
});
