// `workers run` as a child process: HTTP calls to its exposed workers, the dashboard, and a
// graceful stop on SIGTERM/SIGINT in which nothing is lost.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startBin, waitForOutput } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "workers-cli-run-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function start(file = "run.yaml", env: Record<string, string> = {}) {
  const run = startBin(["run", file, "--port", "0"], { env });
  // The banner is complete once its last line is out.
  await waitForOutput(run, /Ctrl-C stops gracefully/);
  const [, url] = /dashboard {2}(http:\/\/\S+\/)\n/.exec(run.stdout())!;
  const post = (path: string, body: unknown = {}) =>
    fetch(`${url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  return { ...run, url: url!, post };
}

type Stats = {
  workers: Record<string, { processed: number; errors: number; inFlight: number }>;
  channels: Record<string, { size: number }>;
};

describe("workers run", () => {
  it("serves commands, requests and the dashboard, maps errors to status codes, stops on SIGINT", async () => {
    const app = await start();
    try {
      expect(app.stdout()).toMatch(/^workers: running run\.yaml \(7 workers, 7 channels\)$/m);
      expect(app.stdout()).toContain("(record, hold, release, ping, fail, slow)");

      const command = await app.post("command/ping");
      expect(command.status).toBe(202);
      expect(await command.json()).toEqual({ accepted: true });
      const request = await app.post("request/ping");
      expect(request.status).toBe(200);
      expect(await request.json()).toEqual({ result: "pong" });

      const failed = await app.post("request/fail", { what: "fly" });
      expect(failed.status).toBe(500);
      expect(await failed.json()).toEqual({
        error: { name: "RangeError", message: "cannot fly", code: "ERR_CANNOT" },
      });
      const hidden = await app.post("request/hidden", 1);
      expect(hidden.status).toBe(404);
      expect(((await hidden.json()) as { error: { code: string } }).error.code).toBe(
        "ERR_NOT_EXPOSED",
      );
      expect((await app.post("command/nobody")).status).toBe(404);
      const late = await app.post("request/slow?timeoutMs=50", { ms: 60_000 });
      expect(late.status).toBe(504);
      expect(((await late.json()) as { error: { code: string } }).error.code).toBe("ERR_TIMEOUT");

      // hold/in is a buffer of 1 with putMode "drop": one held by the worker, one buffered,
      // then refusals.
      expect((await app.post("command/hold", { n: 1 })).status).toBe(202);
      expect((await app.post("command/hold", { n: 2 })).status).toBe(202);
      const refused = await app.post("command/hold", { n: 3 });
      expect(refused.status).toBe(503);
      expect(await refused.json()).toMatchObject({
        accepted: false,
        error: { code: "ERR_DROPPED" },
      });
      const dropped = await app.post("request/hold", { n: 4 });
      expect(dropped.status).toBe(503);
      expect(((await dropped.json()) as { error: { code: string } }).error.code).toBe(
        "ERR_DROPPED",
      );
      expect(await (await app.post("request/release")).json()).toEqual({ result: 1 });

      const bad = await app.post("request/ping", "{not json");
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: { code: string } }).error.code).toBe(
        "ERR_BAD_REQUEST",
      );
      expect((await app.post("request/ping", "")).status).toBe(400);
      expect((await fetch(`${app.url}request/ping`)).status).toBe(405);

      const page = await fetch(app.url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('data-node="worker:record"');
      const stats = (await (await fetch(`${app.url}stats`)).json()) as Stats;
      expect(stats.workers.ping?.processed).toBe(2);
      expect(stats.workers.fail?.errors).toBe(1);
      // The buffered hold message is taken once the first is released: release it too.
      await expect
        .poll(
          async () =>
            ((await (await fetch(`${app.url}stats`)).json()) as Stats).workers.hold?.inFlight,
        )
        .toBe(1);
      expect(await (await app.post("request/release")).json()).toEqual({ result: 1 });

      app.child.kill("SIGINT");
      const result = await app.done;
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("workers: SIGINT: stopping");
      expect(result.stdout).toMatch(/workers: stopped \(\d+ processed, 2 errors, 2 drops\)\n$/);
      // Worker errors are printed as they come when the output is not a terminal.
      expect(result.stderr).toContain("error   fail: cannot fly");
    } finally {
      app.child.kill("SIGKILL");
    }
  });

  it("on SIGTERM, answers the calls in flight and drains: every accepted message is processed", async () => {
    const log = join(dir, "record.log");
    // `record` holds every message until the process gets SIGTERM.
    const app = await start("run.yaml", { RUN_LOG: log });
    try {
      const accepted: number[] = [];
      for (let id = 1; id <= 30; id++) {
        const res = await app.post("command/record", { id });
        expect(res.status).toBe(202);
        accepted.push(id);
      }
      const requests = [31, 32, 33].map((id) => app.post("request/record", { id }));
      // One message held in flight, the rest waiting in the channel: then SIGTERM.
      await expect
        .poll(async () => {
          const stats = (await (await fetch(`${app.url}stats`)).json()) as Stats;
          return [stats.workers.record?.inFlight, stats.channels["record/in"]?.size];
        })
        .toEqual([1, 32]);
      app.child.kill("SIGTERM");

      const replies = await Promise.all(requests);
      expect(replies.map((r) => r.status)).toEqual([200, 200, 200]);
      expect(await Promise.all(replies.map((r) => r.json()))).toEqual([
        { result: { recorded: 31 } },
        { result: { recorded: 32 } },
        { result: { recorded: 33 } },
      ]);
      const result = await app.done;
      expect(result.code).toBe(0);
      const recorded = readFileSync(log, "utf8")
        .trim()
        .split("\n")
        .map((line) => (JSON.parse(line) as { id: number }).id);
      // In order (concurrency 1): the commands, then the three requests in their arrival order.
      expect(recorded.slice(0, 30)).toEqual(accepted);
      expect(recorded.slice(30).sort()).toEqual([31, 32, 33]);
      expect(result.stdout).toMatch(/workers: stopped \(33 processed, 0 errors, 0 drops\)\n$/);
    } finally {
      app.child.kill("SIGKILL");
    }
  });

  it("an invalid definition exits 1 with its issues; a port in use exits 3", async () => {
    const invalid = await startBin(["run", "bad.yaml", "--port", "0"]).done;
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain("bad.yaml:8:5: error: workers.imageStore.in:");

    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = blocker.address() as { port: number };
      const busy = await startBin(["run", "good.yaml", "--port", String(port)]).done;
      expect(busy.code).toBe(3);
      expect(busy.stderr).toMatch(
        /^workers: cannot listen on 127\.0\.0\.1:\d+: .*EADDRINUSE.* \[ERR_LISTEN\]$/m,
      );
    } finally {
      blocker.close();
    }
  });
});
