// Thread workers run the main process's loaders: `node --import tsx main.ts` runs `.ts` thread
// modules without `threads.execArgv`.
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, test } from "vitest";
import {
  joinNodeOptions,
  splitNodeOptions,
  threadExecArgv,
  threadFlags,
  tsxPreload,
} from "../../src/dispatch/thread/loaders.js";

const packageDir = fileURLToPath(new URL("../..", import.meta.url));
const tsxRoot = dirname(createRequire(join(packageDir, "noop.js")).resolve("tsx/package.json"));
const tsxApi = (api: "esm" | "cjs") =>
  pathToFileURL(join(tsxRoot, "dist", api, "api", "index.mjs")).href;

/** The module a `data:` preload flag imports, decoded. */
function preloadCode(flag: string | undefined): string {
  expect(flag?.startsWith("data:text/javascript,")).toBe(true);
  return decodeURIComponent((flag as string).slice("data:text/javascript,".length));
}

describe("threadExecArgv", () => {
  test("no loader to adjust and nothing added: Node's own inheritance (undefined)", () => {
    expect(threadExecArgv([], true, undefined, packageDir)).toBeUndefined();
    expect(
      threadExecArgv(
        ["--conditions=dev", "--import", "./telemetry.mjs"],
        true,
        undefined,
        packageDir,
      ),
    ).toBeUndefined();
  });

  test("--import tsx becomes a preload calling tsx's register() APIs (ESM and CommonJS)", () => {
    const argv = threadExecArgv(["--import", "tsx"], true, undefined, packageDir);
    expect(argv).toHaveLength(2);
    expect(argv?.[0]).toBe("--import");
    const code = preloadCode(argv?.[1]);
    expect(code).toContain(JSON.stringify(tsxApi("esm")));
    expect(code).toContain(JSON.stringify(tsxApi("cjs")));
  });

  test("--import=tsx/esm registers the ESM hooks only", () => {
    const code = preloadCode(tsxPreload("tsx/esm", packageDir));
    expect(code).toContain(JSON.stringify(tsxApi("esm")));
    expect(code).not.toContain(JSON.stringify(tsxApi("cjs")));
    const argv = threadExecArgv(["--import=tsx/esm"], true, undefined, packageDir);
    expect(preloadCode(argv?.[1])).toBe(code);
  });

  test("the tsx command's loader URL is recognised too", () => {
    const loader = pathToFileURL(join(tsxRoot, "dist", "loader.mjs")).href;
    const argv = threadExecArgv(
      ["--require", join(tsxRoot, "dist", "preflight.cjs"), "--import", loader],
      true,
      undefined,
      packageDir,
    );
    expect(argv?.slice(0, 3)).toEqual([
      "--require",
      join(tsxRoot, "dist", "preflight.cjs"),
      "--import",
    ]);
    expect(preloadCode(argv?.[3])).toContain(JSON.stringify(tsxApi("esm")));
  });

  test("other loaders stay where they were, after the tsx preload that may compile them", () => {
    const argv = threadExecArgv(
      ["--import", "tsx", "--import", "./telemetry.ts", "--loader", "./hooks.mjs", "-r", "x"],
      true,
      undefined,
      packageDir,
    );
    expect(argv?.[0]).toBe("--import");
    expect(argv?.slice(2)).toEqual([
      "--import",
      "./telemetry.ts",
      "--loader",
      "./hooks.mjs",
      "-r",
      "x",
    ]);
  });

  test("inheritLoaders: false drops every loader flag and keeps the rest, then execArgv", () => {
    expect(
      threadExecArgv(
        [
          "--conditions=dev",
          "--import",
          "tsx",
          "--import=./a.mjs",
          "--require",
          "./b.cjs",
          "--experimental-loader",
          "./c.mjs",
          "--loader=./d.mjs",
        ],
        false,
        ["--import", "./mine.mjs"],
        packageDir,
      ),
    ).toEqual(["--conditions=dev", "--import", "./mine.mjs"]);
  });

  test("flags a thread refuses are left out of the inherited ones", () => {
    expect(threadExecArgv(["--expose-gc", "--import", "tsx"], true, [], packageDir)).toEqual([
      "--import",
      expect.stringMatching(/^data:text\/javascript,/),
    ]);
  });

  test("a module that is not tsx is not replaced", () => {
    expect(tsxPreload("./telemetry.mjs", packageDir)).toBeUndefined();
    expect(
      tsxPreload(pathToFileURL(join(tsxRoot, "package.json")).href, packageDir),
    ).toBeUndefined();
    expect(tsxPreload("tsx", "/")).toBeUndefined(); // no tsx installed there
  });
});

describe("NODE_OPTIONS", () => {
  test("split as Node splits it: spaces, double quotes, backslash escapes inside quotes", () => {
    expect(splitNodeOptions('  --import tsx --title="a b" "x\\"y" --x=""  ')).toEqual([
      "--import",
      "tsx",
      "--title=a b",
      'x"y',
      "--x=",
    ]);
    for (const args of [
      ["--import", "tsx"],
      ["--title=a b", 'x"y', "c\\d", ""],
    ]) {
      expect(splitNodeOptions(joinNodeOptions(args))).toEqual(args);
    }
  });

  test("without tsx or a change, NODE_OPTIONS is left to Node", () => {
    expect(
      threadFlags(
        [],
        "--import ./telemetry.mjs --max-old-space-size=99",
        true,
        undefined,
        packageDir,
      ),
    ).toEqual({ execArgv: undefined, nodeOptions: undefined });
  });

  test("with tsx, its loaders move to the front of execArgv, in order; the rest stays", () => {
    const flags = threadFlags(
      ["--import", "./cli.mjs"],
      "--conditions=dev --import tsx --import ./telemetry.ts",
      true,
      undefined,
      packageDir,
    );
    expect(flags.nodeOptions).toBe("--conditions=dev");
    expect(flags.execArgv?.[0]).toBe("--import");
    expect(preloadCode(flags.execArgv?.[1])).toContain(JSON.stringify(tsxApi("esm")));
    expect(flags.execArgv?.slice(2)).toEqual([
      "--import",
      "./telemetry.ts",
      "--import",
      "./cli.mjs",
    ]);
  });

  test("inheritLoaders: false takes the loaders out of NODE_OPTIONS too", () => {
    expect(threadFlags([], "--import tsx --require ./x.cjs", false, undefined, packageDir)).toEqual(
      {
        execArgv: [],
        nodeOptions: "",
      },
    );
  });
});

interface Outcome {
  readonly result?: { doubled: number; execArgv: string[] };
  readonly code?: string;
}

/**
 * Runs test/fixtures/loaders-main.ts under `node --import tsx` on this Node.js, or with
 * `NODE_OPTIONS="--import tsx"` when `viaEnv`.
 */
function runMain(args: string[] = [], viaEnv = false): Promise<Outcome> {
  const main = fileURLToPath(new URL("../fixtures/loaders-main.ts", import.meta.url));
  const tsx = viaEnv ? [] : ["--import", "tsx"];
  const env = viaEnv ? { ...process.env, NODE_OPTIONS: "--import tsx" } : process.env;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["--conditions=@workers/source", ...tsx, main, ...args],
      { cwd: packageDir, timeout: 60_000, env },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout.trim().split("\n").at(-1) as string) as Outcome);
      },
    );
  });
}

// Child processes that start Node with tsx: generous limits for a busy machine.
describe(`node --import tsx (Node ${process.versions.node})`, { timeout: 60_000 }, () => {
  test("a .ts thread module runs without threads.execArgv, tsx registered once", async () => {
    const { result } = await runMain();
    expect(result?.doubled).toBe(42);
    // tsx's own entry is not in the thread's flags (it would register a second time on Node
    // lines where it registers in threads by itself); one preload registers it.
    const argv = result?.execArgv ?? [];
    expect(argv).not.toContain("tsx");
    expect(argv.filter((arg) => arg.startsWith("data:text/javascript,"))).toHaveLength(1);
    expect(argv).toContain("--conditions=@workers/source");
  });

  test("threads.inheritLoaders: false leaves the threads without tsx", async () => {
    expect(await runMain(["no-inherit"])).toEqual({ code: "ERR_THREAD_LOAD" });
  });

  test('NODE_OPTIONS="--import tsx" works the same', async () => {
    const { result } = await runMain([], true);
    expect(result?.doubled).toBe(42);
  });
});
