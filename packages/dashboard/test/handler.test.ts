import { startWorkers, type WorkersSystem } from "@workers/runtime";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { dashboardHandler, type NextFunction, topology } from "../src/index.js";
import { definition, listen, readEvents } from "./helpers.js";

let system: WorkersSystem<typeof definition>;
const servers: { close(): Promise<void> }[] = [];

beforeEach(async () => {
  system = await startWorkers(definition, { obs: () => {} });
});
afterEach(async () => {
  await system.stop();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(
  options: Parameters<typeof dashboardHandler>[1] = {},
  withNext = false,
): Promise<{
  url: string;
  next: ReturnType<typeof vi.fn>;
  handler: ReturnType<typeof dashboardHandler>;
}> {
  const handler = dashboardHandler(system, options);
  const next = vi.fn();
  const server = await listen((req, res) => {
    if (!withNext) return handler(req, res);
    handler(req, res, (() => {
      next(req.url);
      res.writeHead(418).end("next");
    }) as NextFunction);
  });
  servers.push({
    close: async () => {
      handler.close();
      await server.close();
    },
  });
  return { url: server.url, next, handler };
}

describe("GET /stats", () => {
  it("answers the system's stats() as JSON, uncached", async () => {
    const { url } = await serve();
    await system.request("jobs", 21);
    const res = await fetch(`${url}/stats`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-store");
    const stats = (await res.json()) as {
      workers: Record<string, { processed: number }>;
      channels: object;
    };
    expect(Object.keys(stats.workers)).toEqual(["jobs", "results", "heartbeat"]);
    expect(stats.workers.jobs?.processed).toBe(1);
    expect(Object.keys(stats.channels)).toEqual(["jobs/in", "jobs/out", "workers/errors", "ticks"]);
  });

  it("HEAD answers the headers without a body", async () => {
    const { url } = await serve();
    const res = await fetch(`${url}/stats`, { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
  });
});

describe("GET /", () => {
  it("is a self-contained page with every node of the topology and a nonce CSP", async () => {
    const { url } = await serve({ title: "my <system>" });
    const res = await fetch(`${url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const csp = res.headers.get("content-security-policy")!;
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeDefined();
    expect(csp).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).toContain("<title>my &#60;system&#62;</title>");
    expect(html).toContain(`<script nonce="${nonce}">`);
    // Nothing from elsewhere: no external scripts, styles, fonts or images.
    expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//);
    for (const node of topology(system.definition).nodes) {
      expect(html).toContain(`data-node="${node.id}"`);
      expect(html).toContain(`data-row="${node.id}"`);
    }
    for (const edge of topology(system.definition).edges) {
      expect(html).toContain(`data-edge="${edge.from}&#62;${edge.to}" data-role="${edge.role}"`);
    }
  });

  it("escapes names in the markup and in the embedded config", async () => {
    const hostile = '</script><img src=x onerror="alert(1)">&\'';
    const other = await startWorkers(
      {
        channels: { [hostile]: { buffer: 1 } },
        workers: { w: { kind: "command", in: hostile, workerFn: () => {} } },
      },
      { obs: () => {} },
    );
    try {
      const handler = dashboardHandler(other);
      const server = await listen(handler);
      servers.push(server);
      const html = await (await fetch(`${server.url}/`)).text();
      expect(html).not.toContain("<img");
      expect(html).not.toContain("</script><");
      expect(html).toContain(
        "&#60;/script&#62;&#60;img src=x onerror=&#34;alert(1)&#34;&#62;&#38;&#39;",
      );
      const config =
        /<script type="application\/json" id="workers-dashboard-config">(.*?)<\/script>/s.exec(
          html,
        )![1]!;
      expect(JSON.parse(config).channels).toEqual([hostile]);
    } finally {
      await other.stop();
    }
  });
});

describe("GET /events", () => {
  it("sends stats events with increasing ids, each a whole JSON snapshot on one data line", async () => {
    const { url } = await serve({ intervalMs: 20 });
    const res = await fetch(`${url}/events`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-store");
    const { events, text } = await readEvents(res, (e) => e.length >= 3);
    expect(text.startsWith("retry: 1000\n\n")).toBe(true);
    expect(text).toMatch(/^id: 1\nevent: stats\ndata: \{.*\}\n\n/m);
    expect(events.map((e) => e.event)).toEqual(["stats", "stats", "stats"]);
    expect(events.map((e) => Number(e.id))).toEqual([1, 2, 3]);
    for (const e of events) {
      const stats = JSON.parse(e.data);
      expect(Object.keys(stats.workers)).toEqual(["jobs", "results", "heartbeat"]);
    }
  });

  it("forgets a client that leaves", async () => {
    const { url, handler } = await serve({ intervalMs: 20 });
    const controller = new AbortController();
    const res = await fetch(`${url}/events`, { signal: controller.signal });
    await readEvents(res, (e) => e.length >= 1);
    expect(handler.clients).toBe(1);
    controller.abort();
    await vi.waitFor(() => expect(handler.clients).toBe(0));
  });

  it("ends with a last `stopped` event once the system has stopped", async () => {
    const { url, handler } = await serve({ intervalMs: 20 });
    const res = await fetch(`${url}/events`);
    const reading = readEvents(res, () => false);
    await vi.waitFor(() => expect(handler.clients).toBe(1));
    await system.request("jobs", 1);
    await system.stop();
    const { events, ended } = await reading;
    expect(ended).toBe(true);
    expect(events.at(-1)?.event).toBe("stopped");
    expect(JSON.parse(events.at(-1)!.data).workers.jobs.processed).toBe(1);
    expect(events.slice(0, -1).every((e) => e.event === "stats")).toBe(true);
    expect(handler.clients).toBe(0);
  });

  it("a client arriving after the stop gets the last snapshot as `stopped`, and the end", async () => {
    const { url, handler } = await serve();
    await system.stop();
    const { events, ended } = await readEvents(await fetch(`${url}/events`), () => false);
    expect(ended).toBe(true);
    expect(events.map((e) => e.event)).toEqual(["stopped"]);
    expect(handler.clients).toBe(0);
  });

  it("refuses more than maxClients streams with 503", async () => {
    const { url } = await serve({ maxClients: 1 });
    const first = await fetch(`${url}/events`);
    const second = await fetch(`${url}/events`);
    expect(second.status).toBe(503);
    expect(second.headers.get("retry-after")).toBe("5");
    await first.body!.cancel();
  });

  it("close() ends every open stream", async () => {
    const { url, handler } = await serve();
    const res = await fetch(`${url}/events`);
    const reading = readEvents(res, () => false);
    await vi.waitFor(() => expect(handler.clients).toBe(1));
    handler.close();
    const { ended, events } = await reading;
    expect(ended).toBe(true);
    expect(events.map((e) => e.event)).toEqual(["stats"]);
    expect(handler.clients).toBe(0);
  });
});

describe("routing", () => {
  it("answers 404 for paths it does not own and 405 for other methods, without next", async () => {
    const { url } = await serve();
    expect((await fetch(`${url}/nope`)).status).toBe(404);
    const post = await fetch(`${url}/stats`, { method: "POST", body: "{}" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
  });

  it("as middleware, calls next() for paths and methods it does not own", async () => {
    const { url, next } = await serve({ basePath: "/dashboard" }, true);
    expect((await fetch(`${url}/dashboard/stats`)).status).toBe(200);
    expect(next).not.toHaveBeenCalled();
    for (const path of ["/", "/stats", "/dashboardx", "/dashboard/other", "/api/jobs"]) {
      const res = await fetch(`${url}${path}`);
      expect(res.status, path).toBe(418);
    }
    expect((await fetch(`${url}/dashboard/stats`, { method: "POST", body: "" })).status).toBe(418);
    expect(next.mock.calls.map((c) => c[0])).toEqual([
      "/",
      "/stats",
      "/dashboardx",
      "/dashboard/other",
      "/api/jobs",
      "/dashboard/stats",
    ]);
  });

  it("serves under basePath, and redirects the bare base path to its slash form", async () => {
    const { url } = await serve({ basePath: "/ops/workers/" });
    const bare = await fetch(`${url}/ops/workers?x=1`, { redirect: "manual" });
    expect(bare.status).toBe(308);
    expect(bare.headers.get("location")).toBe("/ops/workers/?x=1");
    expect((await fetch(`${url}/ops/workers/`)).status).toBe(200);
    expect((await fetch(`${url}/ops/workers/stats`)).status).toBe(200);
    expect((await fetch(`${url}/ops/workers/events`, { method: "HEAD" })).status).toBe(200);
    expect((await fetch(`${url}/stats`)).status).toBe(404);
  });

  it("redirects by originalUrl when a framework stripped the mount path", async () => {
    const handler = dashboardHandler(system);
    const server = await listen((req, res) => {
      // What Express does for app.use("/mount", handler) on GET /mount?a=b.
      Object.assign(req, { originalUrl: req.url, url: "/?a=b" });
      handler(req, res);
    });
    servers.push(server);
    const res = await fetch(`${server.url}/mount?a=b`, { redirect: "manual" });
    expect(res.status).toBe(308);
    expect(res.headers.get("location")).toBe("/mount/?a=b");
  });

  it("answers 500 when stats() throws", async () => {
    const broken = {
      ...system,
      definition: system.definition,
      state: system.state,
      stats: () => {
        throw new Error("boom");
      },
    };
    const server = await listen(dashboardHandler(broken));
    servers.push(server);
    const res = await fetch(`${server.url}/stats`);
    expect(res.status).toBe(500);
    expect(await res.text()).toContain("boom");
  });
});
