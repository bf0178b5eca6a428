import { expect, it } from "vitest";
import { describePackageShape, valueImports } from "../../../test/package-shape.js";

describePackageShape(
  {
    dir: new URL("..", import.meta.url),
    name: "@workers/runtime",
    load: () => import("@workers/runtime"),
  },
  () => {
    it("exports transfer and the thread errors without loading piscina statically", async () => {
      const mod = await import("@workers/runtime");
      expect(typeof mod.transfer).toBe("function");
      expect(new mod.ThreadQueueFullError(1)).toBeInstanceOf(mod.WorkersError);
      const { files, external } = valueImports(new URL("../src/index.ts", import.meta.url));
      expect(files.size).toBeGreaterThan(5);
      expect([...external].filter((s) => s.includes("piscina"))).toEqual([]);
      expect([...files].some((f) => f.endsWith("thread-dispatcher.ts"))).toBe(false);
    });
  },
);
