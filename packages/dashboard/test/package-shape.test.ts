import { expect, it } from "vitest";
import { describePackageShape, valueImports } from "../../../test/package-shape.js";

describePackageShape(
  {
    dir: new URL("..", import.meta.url),
    name: "@workers/dashboard",
    load: () => import("@workers/dashboard"),
    exportNames: [
      "DashboardError",
      "channelId",
      "dashboardHandler",
      "serveDashboard",
      "topology",
      "workerId",
    ],
  },
  (pkg) => {
    it("imports @workers/runtime for types only", () => {
      // No value import reachable from the entry may reach the runtime.
      const { files, external } = valueImports(new URL("../src/index.ts", import.meta.url));
      expect(files.size).toBeGreaterThan(5);
      expect([...external].every((s) => s.startsWith("node:"))).toBe(true);
      expect(pkg.dependencies).toEqual({ "@workers/runtime": "workspace:*" });
    });
  },
);
