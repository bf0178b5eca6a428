import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { decodeThrown, encodeThrown } from "../../src/dispatch/thread/error-codec.js";

/** Encodes, crosses a structured clone (as postMessage does), decodes. */
const roundTrip = (thrown: unknown): unknown => decodeThrown(structuredClone(encodeThrown(thrown)));

describe("error codec", () => {
  test("an Error keeps name, message, stack, cause and own properties", () => {
    const cause = new RangeError("inner");
    const error = Object.assign(new Error("outer", { cause }), { code: "E_X", detail: { n: 1 } });
    error.name = "CustomError";
    const back = roundTrip(error) as Error & { code: string; detail: unknown; cause: Error };
    expect(back).toBeInstanceOf(Error);
    expect(back.name).toBe("CustomError");
    expect(back.message).toBe("outer");
    expect(back.stack).toBe(error.stack);
    expect(back.code).toBe("E_X");
    expect(back.detail).toEqual({ n: 1 });
    expect(back.cause).toBeInstanceOf(RangeError);
    expect(back.cause.message).toBe("inner");
    expect(Object.keys(back)).toEqual(["code", "detail"]);
  });

  test("built-in error classes are kept", () => {
    for (const Ctor of [TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError]) {
      expect(roundTrip(new Ctor("x"))).toBeInstanceOf(Ctor);
    }
  });

  test("AggregateError keeps its errors", () => {
    const back = roundTrip(new AggregateError([new Error("a"), "b"], "both")) as Error & {
      errors: unknown[];
    };
    expect(back.name).toBe("AggregateError");
    expect(back.errors).toHaveLength(2);
    expect((back.errors[0] as Error).message).toBe("a");
    expect(back.errors[1]).toBe("b");
  });

  test("properties that cannot be cloned become strings instead of failing", () => {
    const error = Object.assign(new Error("x"), { fn: () => 1, sym: Symbol("s") });
    const back = roundTrip(error) as Error & { fn: unknown; sym: unknown };
    expect(typeof back.fn).toBe("string");
    expect(back.sym).toBe("Symbol(s)");
  });

  test("a cause chain deeper than the limit is cut", () => {
    let error: Error = new Error("0");
    for (let i = 1; i < 20; i++) error = new Error(String(i), { cause: error });
    let back = roundTrip(error) as Error;
    let depth = 0;
    while (back instanceof Error) {
      back = back.cause as Error;
      depth++;
    }
    expect(depth).toBeLessThan(20);
    expect(back).toBeUndefined();
  });

  test("non-Error throws come back as the value itself", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.integer(),
          fc.boolean(),
          fc.constant(null),
          fc.dictionary(fc.string(), fc.integer()),
        ),
        (value) => {
          expect(roundTrip(value)).toEqual(value);
        },
      ),
      { numRuns: 100 },
    );
  });

  test("an Error without a stack stays without one", () => {
    const error = new Error("x");
    delete error.stack;
    expect((roundTrip(error) as Error).stack).toBeUndefined();
  });
});
