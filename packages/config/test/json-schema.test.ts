import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildJsonSchema } from "../src/internal/json-schema.js";

const committed = JSON.parse(readFileSync(new URL("../schema.json", import.meta.url), "utf8"));
const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

describe("schema.json", () => {
  it("is in sync with the zod schema (run `pnpm --filter @workers/config generate-schema`)", () => {
    expect(committed).toEqual(buildJsonSchema());
  });

  it("is shipped as @workers/config/schema.json", () => {
    expect(pkg.exports["./schema.json"]).toBe("./schema.json");
    expect(pkg.files).toContain("schema.json");
  });

  it("describes every key, with defaults, and accepts the kebab-case spellings", () => {
    const channel = committed.properties.channels.additionalProperties;
    const worker = committed.properties.workers.additionalProperties;
    expect(channel.properties.buffer).toMatchObject({ default: 0, type: "integer", minimum: 0 });
    expect(channel.properties.bufferType.default).toBe("fixed");
    // Canonical values first (completion), then d-core's keyword spellings the loader reads.
    expect(channel.properties["buffer-type"].enum).toEqual([
      "fixed",
      "dropping",
      "sliding",
      ":fixed",
      ":dropping",
      ":sliding",
    ]);
    expect(channel.properties.transport).toMatchObject({ type: "string", minLength: 1 });
    expect(channel.properties.subject).toMatchObject({ type: "string", minLength: 1 });
    expect(worker.properties.dispatch.default).toBe("go");
    expect(worker.properties.intervalMs.default).toBe(1000);
    expect(worker.properties["expose?"].type).toBe("boolean");
    expect(worker.properties.workerFn.type).toBe("string");
    for (const entry of [channel, worker]) {
      for (const [key, prop] of Object.entries<{ description?: string }>(entry.properties)) {
        expect(prop.description, key).toBeTruthy();
      }
      // camelCase keys come first, so completion offers them before the kebab-case aliases.
      const keys = Object.keys(entry.properties);
      const firstAlias = keys.findIndex((k) => /[-?]/.test(k));
      expect(firstAlias).toBeGreaterThan(0);
      expect(
        keys.slice(firstAlias).every((k) => /[-?]/.test(k)),
        keys.join(),
      ).toBe(true);
    }
    expect(worker.required).toEqual(["kind"]);
    expect(committed.required).toEqual(["workers"]);
  });
});
