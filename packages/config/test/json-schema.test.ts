import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildJsonSchema } from "../src/internal/json-schema.js";
import { MAX_DELAY_MS } from "../src/schema.js";

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
  });

  it("describes the worker policies, with their defaults", () => {
    const worker = committed.properties.workers.additionalProperties;
    const { retry, timeoutMs, rateLimit } = worker.properties;
    expect(retry.properties.attempts).toMatchObject({ type: "integer", minimum: 1, default: 1 });
    const backoff = retry.properties.backoffMs;
    expect(backoff.default).toBe(0);
    const [number, list, exponential] = backoff.anyOf;
    expect(number).toMatchObject({ type: "number", minimum: 0, maximum: MAX_DELAY_MS });
    expect(list).toMatchObject({ type: "array", minItems: 1 });
    expect(list.items).toMatchObject({ type: "number", minimum: 0, maximum: MAX_DELAY_MS });
    expect(exponential.properties).toMatchObject({
      factor: { minimum: 1, default: 2 },
      maxMs: { maximum: MAX_DELAY_MS, default: MAX_DELAY_MS },
      jitter: { minimum: 0, maximum: 1, default: 0 },
    });
    expect(timeoutMs).toMatchObject({ type: "number", minimum: 1, maximum: MAX_DELAY_MS });
    expect(rateLimit.properties.max).toMatchObject({ type: "integer", minimum: 1 });
    expect(rateLimit.properties.intervalMs).toMatchObject({ minimum: 1, maximum: MAX_DELAY_MS });
    for (const entry of [retry, exponential, rateLimit]) {
      for (const [key, prop] of Object.entries<{ description?: string }>(entry.properties)) {
        expect(prop.description, key).toBeTruthy();
      }
      expect(entry.description).toBeTruthy();
    }
    // Kebab-case spellings, each of which may stand for a required key.
    expect(Object.keys(worker.properties)).toEqual(
      expect.arrayContaining(["timeout-ms", "rate-limit"]),
    );
    expect(Object.keys(retry.properties)).toContain("backoff-ms");
    expect(Object.keys(exponential.properties)).toEqual(
      expect.arrayContaining(["initial-ms", "max-ms"]),
    );
    expect(rateLimit.required).toEqual(["max"]);
    expect(exponential.required).toBeUndefined();
    expect(committed.required).toEqual(["workers"]);
  });
});
