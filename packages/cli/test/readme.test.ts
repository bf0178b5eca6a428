// The README runs: its console blocks are run from examples/ and must print what they show,
// its `workers run` session is replayed against a real `workers run`, and its TypeScript block
// is examples/api.ts verbatim, which runs too.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it, vi } from "vitest";
import { NODE_ARGS, runBin, startBin, waitForOutput } from "./helpers.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const examples = fileURLToPath(new URL("../examples/", import.meta.url));
const blocks = [...readme.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({
  lang: m[1]!,
  body: m[2]!,
}));

/** A console block as commands (`$ ...`) with the output shown under each. */
function session(body: string): { command: string; output: string }[] {
  const steps: { command: string; output: string }[] = [];
  for (const line of body.split("\n").slice(0, -1)) {
    if (line.startsWith("$ ")) steps.push({ command: line.slice(2), output: "" });
    else if (steps.length > 0) steps.at(-1)!.output += `${line}\n`;
    else steps.push({ command: line, output: "" });
  }
  return steps;
}

const consoles = blocks.filter((b) => b.lang === "console").map((b) => session(b.body));

describe("README", () => {
  it("shows examples/workers.yaml verbatim", () => {
    const yaml = blocks.filter((b) => b.lang === "yaml");
    expect(yaml.map((b) => b.body)).toEqual([readFileSync(join(examples, "workers.yaml"), "utf8")]);
  });

  it.each(consoles.flat().filter((s) => /^workers (validate|graph)\b/.test(s.command)))(
    "$ $command prints what the README shows",
    async ({ command, output }) => {
      const r = await runBin(command.split(" ").slice(1), { cwd: examples });
      expect(r.stdout + r.stderr).toBe(output);
      expect(r.code).toBe(command.includes("bad.yaml") ? 1 : 0);
    },
  );

  it("its sh blocks run: the install line, and `workers schema` writes the shipped schema", () => {
    const sh = blocks.filter((b) => b.lang === "sh").map((b) => b.body);
    expect(sh[0]).toMatch(/^npm install -D @workers\/cli/);
    const dir = mkdtempSync(join(tmpdir(), "workers-cli-readme-"));
    try {
      for (const body of sh.slice(1)) {
        // `workers` is the bin from source, as a shell function.
        const define = `workers() { ${JSON.stringify(process.execPath)} ${NODE_ARGS.map((a) => JSON.stringify(a)).join(" ")} "$@"; }`;
        execFileSync("bash", ["-euo", "pipefail", "-c", `${define}\n${body}`], { cwd: dir });
      }
      const shipped = readFileSync(
        new URL(import.meta.resolve("@workers/config/schema.json")),
        "utf8",
      );
      expect(readFileSync(join(dir, "workers.schema.json"), "utf8")).toBe(shipped);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the `workers run` session: banner, every curl answer, and the graceful stop", async () => {
    const start = consoles.find((s) => s[0]?.command.startsWith("workers run"))!;
    const calls = consoles.find((s) => s[0]?.command.startsWith("curl"))!;
    const stop = consoles.find((s) => s[0]?.command === "^C")!;
    const args = start[0]!.command.split(" ").slice(1);
    expect(args).toEqual(["run", "workers.yaml", "--port", "9464"]);
    // A free port instead of 9464, written back as 9464 to compare.
    const run = startBin([...args.slice(0, -1), "0"], { cwd: examples });
    try {
      await waitForOutput(run, /Ctrl-C stops gracefully.*\n/);
      const port = /127\.0\.0\.1:(\d+)\//.exec(run.stdout())![1]!;
      const banner = run.stdout().split("\n").slice(0, 4).join("\n");
      expect(`${banner.replaceAll(`:${port}/`, ":9464/")}\n`).toBe(start[0]!.output);

      for (const { command, output } of calls) {
        const call = /^curl -s -XPOST localhost:9464(\/\S+) -d '(.*)'$/.exec(command);
        expect(call, command).not.toBeNull();
        const res = await fetch(`http://127.0.0.1:${port}${call![1]}`, {
          method: "POST",
          body: call![2]!,
        });
        expect(`${await res.text()}\n`, command).toBe(output);
      }
      run.child.kill("SIGINT");
      const result = await run.done;
      expect(result.code).toBe(0);
      expect(result.stdout.endsWith(stop[0]!.output)).toBe(true);
    } finally {
      run.child.kill("SIGKILL");
    }
  });

  it("every ts block is an example file, verbatim, and api.ts runs", async () => {
    const ts = [...readme.matchAll(/<!-- example: (\S+) -->\n```ts\n([\s\S]*?)```/g)];
    expect(ts.map((m) => m[1])).toEqual(["api.ts"]);
    expect(blocks.filter((b) => b.lang === "ts")).toHaveLength(1);
    expect(ts[0]![2]).toBe(readFileSync(join(examples, "api.ts"), "utf8"));
    const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    try {
      const { main } = await import("../examples/api.js");
      await expect(main()).resolves.toEqual({
        code: 0,
        reply: { result: { url: "a.png", width: 64, height: 48 } },
      });
      expect(out).toHaveBeenCalledWith("workers.yaml: valid (3 channels, 3 workers)\n");
    } finally {
      out.mockRestore();
    }
  });
});
