import { startWorkers } from "@workers/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DashboardError, dashboardHandler, serveDashboard } from "../src/index.js";
import { definition } from "./helpers.js";

let system: Awaited<ReturnType<typeof startWorkers<typeof definition>>>;
beforeAll(async () => {
  system = await startWorkers(definition, { obs: () => {} });
});
afterAll(() => system.stop());

const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DashboardError);
    return (error as DashboardError).code;
  }
  return undefined;
};

describe("options", () => {
  it.each([
    ["a relative basePath", { basePath: "dashboard" }],
    ["a basePath with a query", { basePath: "/d?x" }],
    ["intervalMs 0", { intervalMs: 0 }],
    ["a fractional intervalMs", { intervalMs: 1.5 }],
    ["an intervalMs beyond the timer range", { intervalMs: 2 ** 31 }],
    ["intervalMs NaN", { intervalMs: Number.NaN }],
    ["maxClients 0", { maxClients: 0 }],
    ["a title that is not a string", { title: 42 as unknown as string }],
  ])("rejects %s with ERR_INVALID_ARGUMENT", (_, options) => {
    expect(code(() => dashboardHandler(system, options))).toBe("ERR_INVALID_ARGUMENT");
  });

  it("rejects something that is not a system", () => {
    expect(code(() => dashboardHandler({} as never))).toBe("ERR_INVALID_ARGUMENT");
    expect(code(() => dashboardHandler(null as never))).toBe("ERR_INVALID_ARGUMENT");
  });

  it("accepts the defaults and the edges of the ranges", () => {
    expect(code(() => dashboardHandler(system))).toBeUndefined();
    expect(code(() => dashboardHandler(system, { intervalMs: 1, basePath: "/" }))).toBeUndefined();
    expect(code(() => dashboardHandler(system, { intervalMs: 2 ** 31 - 1 }))).toBeUndefined();
  });
});

describe("serveDashboard", () => {
  it("listens on loopback, reports its url with the base path, and closes idempotently", async () => {
    const dashboard = await serveDashboard(system, { port: 0, basePath: "/dash/" });
    expect(dashboard.url).toBe(`http://127.0.0.1:${dashboard.port}/dash/`);
    const res = await fetch(`${dashboard.url}stats`);
    expect(res.status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${dashboard.port}/other`)).status).toBe(404);
    await Promise.all([dashboard.close(), dashboard.close()]);
    expect(dashboard.server.listening).toBe(false);
  });

  it("closes even while an event stream is open", async () => {
    const dashboard = await serveDashboard(system, { port: 0 });
    const res = await fetch(`${dashboard.url}events`);
    expect(res.status).toBe(200);
    await dashboard.close();
    expect(dashboard.handler.clients).toBe(0);
    // The stream was ended by the server.
    const text = await res.text();
    expect(text).toContain("event: stats");
  });

  it("rejects a port out of range, and passes on the server's own listen error", async () => {
    await expect(serveDashboard(system, { port: 70000 })).rejects.toMatchObject({
      code: "ERR_INVALID_ARGUMENT",
    });
    const first = await serveDashboard(system, { port: 0 });
    try {
      await expect(serveDashboard(system, { port: first.port })).rejects.toMatchObject({
        code: "EADDRINUSE",
      });
    } finally {
      await first.close();
    }
  });
});
