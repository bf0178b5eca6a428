// workersApi in process, over a real system.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { defineWorkers } from "@workers/config";
import { startWorkers, type WorkersSystem } from "@workers/runtime";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type WorkersApi, workersApi } from "../src/index.js";

let open: () => void = () => {};
const definition = defineWorkers({
  channels: { "echo/in": { buffer: 2 }, "gate/in": { buffer: 2 }, "big/in": { buffer: 1 } },
  workers: {
    echo: { kind: "command", in: "echo/in", expose: true, workerFn: (_ctx, msg: unknown) => msg },
    gate: {
      kind: "command",
      in: "gate/in",
      expose: true,
      workerFn: () =>
        new Promise<string>((resolve) => {
          open = () => resolve("opened");
        }),
    },
    big: { kind: "command", in: "big/in", expose: true, workerFn: () => 10n },
  },
});

let system: WorkersSystem<typeof definition>;
let api: WorkersApi;
let url: string;
let close: () => Promise<void>;

beforeEach(async () => {
  system = await startWorkers(definition, { obs: () => {} });
  api = workersApi(system, { maxBodyBytes: 64 });
  const server = createServer((req: IncomingMessage, res: ServerResponse) =>
    api(req, res, () => {
      res.writeHead(418).end();
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
});
afterEach(async () => {
  open();
  await system.stop();
  await close();
});

const post = (path: string, body: string) => fetch(`${url}${path}`, { method: "POST", body });

describe("workersApi", () => {
  it("answers a request with its result; undefined becomes null; any content-type is read as JSON", async () => {
    const res = await fetch(`${url}/request/echo`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: '{"a":[1,2]}',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ result: { a: [1, 2] } });
    expect(await (await post("/request/echo", "null")).json()).toEqual({ result: null });
  });

  it("decodes the worker name", async () => {
    expect((await post(`/request/${encodeURIComponent("echo")}`, "1")).status).toBe(200);
    expect((await post("/request/%E0%A4%A", "1")).status).toBe(400);
  });

  it("refuses a body over the limit with 413, and a result that is not JSON with 500", async () => {
    const res = await post("/command/echo", JSON.stringify("x".repeat(100)));
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
      "ERR_BODY_TOO_LARGE",
    );
    const big = await post("/request/big", "{}");
    expect(big.status).toBe(500);
    expect(((await big.json()) as { error: { code: string } }).error.code).toBe(
      "ERR_RESULT_NOT_JSON",
    );
  });

  it("rejects a bad ?timeoutMs with 400", async () => {
    for (const t of ["0", "-1", "1.5", "abc", String(2 ** 31)]) {
      expect((await post(`/request/echo?timeoutMs=${t}`, "1")).status, t).toBe(400);
    }
  });

  it("passes other paths to next()", async () => {
    expect((await post("/commands/echo", "1")).status).toBe(418);
    expect((await fetch(`${url}/`)).status).toBe(418);
  });

  it("while closing, answers new calls 503 ERR_STOPPED; idle() waits for the calls in flight", async () => {
    const pending = post("/request/gate", "{}");
    await expect.poll(() => system.stats().workers.gate?.inFlight).toBe(1);
    api.closing = true;
    const refused = await post("/request/echo", "1");
    expect(refused.status).toBe(503);
    expect(refused.headers.get("connection")).toBe("close");
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("ERR_STOPPED");
    let idle = false;
    const waiting = api.idle().then(() => {
      idle = true;
    });
    await Promise.resolve();
    expect(idle).toBe(false);
    open();
    expect(await (await pending).json()).toEqual({ result: "opened" });
    await waiting;
    expect(idle).toBe(true);
  });

  it("a stopped system answers 503", async () => {
    await system.stop();
    const res = await post("/command/echo", "1");
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("ERR_STOPPED");
  });

  it("a client that leaves aborts its request", async () => {
    const controller = new AbortController();
    const pending = fetch(`${url}/request/gate`, {
      method: "POST",
      body: "{}",
      signal: controller.signal,
    });
    await expect.poll(() => system.stats().workers.gate?.inFlight).toBe(1);
    controller.abort();
    await expect(pending).rejects.toThrow();
    // The call ended while its message still runs: the abort reached the request.
    await api.idle();
    expect(system.stats().workers.gate?.inFlight).toBe(1);
    open();
  });
});
