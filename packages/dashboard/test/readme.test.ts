// Every TypeScript block of the README is one of examples/*.ts verbatim, and each example runs.
import { readFileSync } from "node:fs";
import { describe, expect, it, vi } from "vitest";

describe("README examples", () => {
  it("every ts block is one of the example files, verbatim", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const blocks = [...readme.matchAll(/<!-- example: (\S+) -->\n```ts\n([\s\S]*?)```/g)];
    expect(blocks.map((b) => b[1])).toEqual(["serve.ts", "middleware.ts", "express.ts"]);
    for (const [, file, code] of blocks) {
      expect(code, file).toBe(
        readFileSync(new URL(`../examples/${file}`, import.meta.url), "utf8"),
      );
    }
    expect([...readme.matchAll(/```ts\n/g)].length).toBe(blocks.length);
  });

  it("serve.ts serves the dashboard and its stats", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    try {
      const { main } = await import("../examples/serve.js");
      const { url, processed } = await main();
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(processed).toBeGreaterThan(0);
      expect(log).toHaveBeenCalledWith(`dashboard: ${url}`);
    } finally {
      log.mockRestore();
    }
  });

  it("middleware.ts serves the dashboard under /dashboard and passes the rest on", async () => {
    const { main } = await import("../examples/middleware.js");
    await expect(main()).resolves.toEqual([200, 200, 200, 404]);
  });

  it("express.ts mounts it with app.use", async () => {
    const { main } = await import("../examples/express.js");
    await expect(main()).resolves.toBe("<!doctype html>");
  });
});
