import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { describePackageShape } from "../../../test/package-shape.js";

describePackageShape(
  {
    dir: new URL("..", import.meta.url),
    name: "@workers/cli",
    // Loading the entry must not run the command (that is bin.ts's job).
    load: () => import("@workers/cli"),
    exportNames: [
      "CliError",
      "ExitCode",
      "formatGraph",
      "runCli",
      "toDot",
      "toMermaid",
      "workersApi",
    ],
  },
  (pkg) => {
    it("ships a workers bin that runs dist/bin.js, whose source has a node shebang", () => {
      expect(pkg.bin).toEqual({ workers: "./bin/workers.js" });
      expect(pkg.files).toContain("bin");
      expect(readFileSync(new URL("../bin/workers.js", import.meta.url), "utf8")).toContain(
        'import "../dist/bin.js";',
      );
      const bin = readFileSync(new URL("../src/bin.ts", import.meta.url), "utf8");
      expect(bin.startsWith("#!/usr/bin/env node\n")).toBe(true);
    });
  },
);
