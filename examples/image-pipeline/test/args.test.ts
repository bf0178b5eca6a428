// The documented `pnpm --filter @workers/example-image-pipeline demo -- --count 500`: pnpm hands
// the `--` on to the script, which must not choke on it.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { parseMainArgs } from "../src/args.js";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../../../", import.meta.url));

describe("command line", () => {
  it("reads the options after the -- that pnpm passes through", () => {
    const args = parseMainArgs(["--demo", "--", "--count", "500", "--clients", "16"], {});
    expect(args).toMatchObject({ demo: true, count: "500", clients: "16", port: "3000" });
    expect(parseMainArgs(["--demo", "--count", "5"], { PORT: "4000" })).toMatchObject({
      count: "5",
      port: "4000",
    });
  });

  it("still refuses unknown options and stray positionals", () => {
    expect(() => parseMainArgs(["--demo", "--", "--colour"], {})).toThrow(
      expect.objectContaining({ code: "ERR_PARSE_ARGS_UNKNOWN_OPTION" }),
    );
    expect(() => parseMainArgs(["--demo", "--", "--count", "5", "extra"], {})).toThrow(
      expect.objectContaining({ code: "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL" }),
    );
  });

  it("`pnpm --filter @workers/example-image-pipeline demo -- <options>` works as documented", async () => {
    const help = await run(
      "pnpm",
      ["--silent", "--filter", "@workers/example-image-pipeline", "demo", "--", "--help"],
      { cwd: root },
    );
    expect(help.stdout).toContain("usage: tsx src/main.ts [--demo]");
    // The value after -- is read: --count 0 is refused by the demo itself (exit 2), before any
    // image is generated.
    const refused = await run(
      "pnpm",
      ["--silent", "--filter", "@workers/example-image-pipeline", "demo", "--", "--count", "0"],
      { cwd: root },
    ).then(
      () => ({ code: 0, stderr: "" }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain("--count: expected a positive integer, got 0");
    expect(refused.stderr).not.toContain("ERR_PARSE_ARGS");
  });
});
