// The handler as Express middleware, mounted both ways.
import { startWorkers } from "@workers/runtime";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dashboardHandler } from "../src/index.js";
import { definition, listen } from "./helpers.js";

let system: Awaited<ReturnType<typeof startWorkers<typeof definition>>>;
beforeAll(async () => {
  system = await startWorkers(definition, { obs: () => {} });
});
afterAll(() => system.stop());

describe("Express", () => {
  it("app.use(handler) with basePath: owns its paths, passes the rest to the next route", async () => {
    const app = express();
    app.use(dashboardHandler(system, { basePath: "/dashboard" }));
    app.get("/health", (_req, res) => {
      res.send("ok");
    });
    const server = await listen(app);
    try {
      expect(await (await fetch(`${server.url}/health`)).text()).toBe("ok");
      expect((await fetch(`${server.url}/dashboard/`)).status).toBe(200);
      const stats = (await (await fetch(`${server.url}/dashboard/stats`)).json()) as {
        workers: object;
      };
      expect(Object.keys(stats.workers)).toEqual(["jobs", "results", "heartbeat"]);
      expect((await fetch(`${server.url}/missing`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('app.use("/ops", handler): Express strips the mount path; the bare path redirects', async () => {
    const app = express();
    app.use("/ops", dashboardHandler(system));
    const server = await listen(app);
    try {
      const bare = await fetch(`${server.url}/ops`, { redirect: "manual" });
      expect(bare.status).toBe(308);
      expect(bare.headers.get("location")).toBe("/ops/");
      const page = await fetch(`${server.url}/ops/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('data-node="worker:jobs"');
      expect((await fetch(`${server.url}/ops/stats`)).status).toBe(200);
      expect((await fetch(`${server.url}/stats`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
