import { describe, expect, it } from "vitest";
import {
  ChannelError,
  ClosedError,
  InvalidArgumentError,
  InvalidBufferError,
  PendingLimitError,
  UndefinedValueError,
} from "../src/index.js";

describe("errors", () => {
  it("carry stable codes and names, and extend ChannelError (or TypeError)", () => {
    const cases: [Error & { code: string }, string, string][] = [
      [new PendingLimitError("put", 1024), "ERR_PENDING_LIMIT", "PendingLimitError"],
      [new ClosedError(), "ERR_CLOSED", "ClosedError"],
      [new InvalidBufferError("x"), "ERR_INVALID_BUFFER", "InvalidBufferError"],
      [new InvalidArgumentError("x"), "ERR_INVALID_ARGUMENT", "InvalidArgumentError"],
    ];
    for (const [error, code, name] of cases) {
      expect(error).toBeInstanceOf(ChannelError);
      expect(error.code).toBe(code);
      expect(error.name).toBe(name);
    }
    const undef = new UndefinedValueError();
    expect(undef).toBeInstanceOf(TypeError);
    expect([undef.code, undef.name]).toEqual(["ERR_UNDEFINED_VALUE", "UndefinedValueError"]);
    expect(new ClosedError("custom").message).toBe("custom");
  });

  it("pass a cause through", () => {
    const cause = new Error("root");
    expect(new ChannelError("ERR_CLOSED", "wrapped", { cause }).cause).toBe(cause);
  });
});
