import { describe, expect, it } from "vitest";
import { putTime, stampPut } from "../src/internal/put-time.js";

describe("put time on headers", () => {
  it("is read back but invisible to keys, spread, JSON, structured clone and deep equality", () => {
    const headers = { traceparent: "tp" };
    stampPut(headers, 12.5);
    expect(putTime(headers)).toBe(12.5);
    expect(Object.keys(headers)).toEqual(["traceparent"]);
    expect({ ...headers }).toEqual({ traceparent: "tp" });
    expect(putTime({ ...headers })).toBeUndefined();
    expect(JSON.stringify(headers)).toBe('{"traceparent":"tp"}');
    expect(putTime(structuredClone(headers))).toBeUndefined();
    expect(headers).toStrictEqual({ traceparent: "tp" });
  });

  it("leaves a frozen carrier alone", () => {
    const frozen = Object.freeze({});
    expect(() => stampPut(frozen, 1)).not.toThrow();
    expect(putTime(frozen)).toBeUndefined();
    expect(putTime({})).toBeUndefined();
  });
});
