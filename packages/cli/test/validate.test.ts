import { describe, expect, it } from "vitest";
import { runBin } from "./helpers.js";

/** `file:line:column: severity: path: message [code]` lines. */
function issues(stderr: string) {
  return stderr
    .split("\n")
    .map((line) => /^([^:]+):(\d+):(\d+): (error|warning): (.+?): .* \[([a-z-]+)\]$/.exec(line))
    .filter((m) => m !== null)
    .map((m) => ({
      file: m[1],
      line: Number(m[2]),
      column: Number(m[3]),
      severity: m[4],
      path: m[5],
      code: m[6],
    }));
}

describe("workers validate", () => {
  it.each(["good.yaml", "good.json", "good.ts"])(
    "accepts %s: exit 0 and a summary",
    async (file) => {
      const r = await runBin(["validate", file]);
      expect(r.stderr).toBe("");
      expect(r.stdout).toBe(`${file}: valid (4 channels, 4 workers)\n`);
      expect(r.code).toBe(0);
    },
  );

  it("reports every issue of a YAML file with its path, line, column and code; exit 1", async () => {
    const r = await runBin(["validate", "bad.yaml"]);
    expect(r.code).toBe(1);
    expect(issues(r.stderr)).toEqual([
      {
        file: "bad.yaml",
        line: 2,
        column: 26,
        severity: "error",
        path: 'channels["images/in"].bufferType',
        code: "invalid-value",
      },
      {
        file: "bad.yaml",
        line: 4,
        column: 11,
        severity: "error",
        path: "channels.spare.buffer",
        code: "zero-size-buffer",
      },
      {
        file: "bad.yaml",
        line: 8,
        column: 5,
        severity: "error",
        path: "workers.imageStore.in",
        code: "undeclared-channel",
      },
      {
        file: "bad.yaml",
        line: 9,
        column: 5,
        severity: "error",
        path: "workers.imageStore.workerFn",
        code: "export-not-found",
      },
      {
        file: "bad.yaml",
        line: 13,
        column: 5,
        severity: "error",
        path: "workers.heartbeat.expose",
        code: "expose-on-ticker",
      },
      {
        file: "bad.yaml",
        line: 15,
        column: 5,
        severity: "error",
        path: "workers.heartbeat.colour",
        code: "unknown-key",
      },
    ]);
    // Each comes with its hint.
    expect(r.stderr).toContain('Did you mean "dropping"?');
    expect(r.stderr).toContain('Did you mean "images/out"?');
    expect(r.stderr).toContain(
      "its exports are: double, fail, hold, nothing, ping, record, release, slow",
    );
    expect(r.stderr.trimEnd().split("\n").at(-1)).toBe("bad.yaml: invalid (6 errors)");
    expect(r.stdout).toBe("");
  });

  it("reports the lines of a JSON file", async () => {
    const r = await runBin(["validate", "bad.json"]);
    expect(r.code).toBe(1);
    expect(issues(r.stderr).map((i) => [i.line, i.path, i.code])).toEqual([
      [3, 'channels["images/in"].buffer', "out-of-range"],
      [9, "workers.imageStore.in", "undeclared-channel"],
    ]);
  });

  it("prints warnings with their lines but exits 0", async () => {
    const r = await runBin(["validate", "warn.yaml"]);
    expect(r.code).toBe(0);
    expect(issues(r.stderr)).toEqual([
      {
        file: "warn.yaml",
        line: 3,
        column: 3,
        severity: "warning",
        path: "channels.spare",
        code: "unused-channel",
      },
    ]);
    expect(r.stdout).toBe("warn.yaml: valid (2 channels, 1 worker, 1 warning)\n");
  });

  it.each([
    ["syntax.yaml", 3, 1],
    ["syntax.json", 3, 25],
  ])("locates the syntax error of %s", async (file, line, column) => {
    const r = await runBin(["validate", file]);
    expect(r.code).toBe(1);
    expect(r.stderr.startsWith(`${file}:${line}:${column}: error: (root): `)).toBe(true);
    expect(r.stderr).toContain("[syntax-error]");
  });

  it("reports a missing file as an issue (exit 1), and an unknown extension", async () => {
    const missing = await runBin(["validate", "missing.yaml"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /^missing\.yaml: error: \(root\): cannot read .*\[file-unreadable\]$/m,
    );
    const unknown = await runBin(["validate", "workers.toml"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("[unsupported-file]");
  });

  it("--format json: every issue as data", async () => {
    const bad = await runBin(["validate", "bad.json", "--format", "json"]);
    expect(bad.code).toBe(1);
    const report = JSON.parse(bad.stdout);
    expect(report).toMatchObject({ valid: false, warnings: [] });
    expect(report.file).toMatch(/fixtures\/bad\.json$/);
    expect(report.errors[1]).toEqual({
      path: ["workers", "imageStore", "in"],
      at: "workers.imageStore.in",
      line: 9,
      column: 7,
      code: "undeclared-channel",
      message: expect.stringContaining('"images/store" is not declared'),
    });
    const good = await runBin(["validate", "warn.yaml", "--format=json"]);
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({
      valid: true,
      errors: [],
      warnings: [{ at: "channels.spare", line: 3, code: "unused-channel" }],
    });
  });
});
