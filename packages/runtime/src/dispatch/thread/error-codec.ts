// Carries thrown values across a thread boundary. Structured clone keeps an Error's message and
// (for built-in types) its name, but drops custom properties and, on older Node lines, `cause`;
// so errors travel as plain records and are rebuilt on the other side.

/** A thrown value as it crosses the boundary (internal). */
export type WireThrown =
  | {
      readonly e: 1;
      readonly name: string;
      readonly message: string;
      readonly stack: string | undefined;
      readonly cause?: WireThrown;
      readonly errors?: readonly WireThrown[];
      readonly props: Record<string, unknown> | undefined;
    }
  | { readonly e: 0; readonly value: unknown };

const MAX_DEPTH = 8;
const skipped = new Set(["name", "message", "stack", "cause", "errors"]);

function cloneable(value: unknown): unknown {
  if (value === null || (typeof value !== "object" && typeof value !== "function")) {
    return typeof value === "symbol" ? String(value) : value;
  }
  try {
    return structuredClone(value);
  } catch {
    return printable(value);
  }
}

/** A string for any value, even one without a prototype or whose every access throws. */
function printable(value: unknown): string {
  try {
    return String(value);
  } catch {
    try {
      return Object.prototype.toString.call(value);
    } catch {
      return "[unprintable value]";
    }
  }
}

function isErrorLike(value: unknown): value is Error {
  // Called only inside encodeThrown's try (a hostile value may throw on any access).
  return (
    value instanceof Error ||
    (typeof value === "object" &&
      value !== null &&
      typeof (value as { message?: unknown }).message === "string" &&
      typeof (value as { name?: unknown }).name === "string" &&
      "stack" in value)
  );
}

/** Encodes a thrown value for the other side of a thread boundary; never throws. */
export function encodeThrown(thrown: unknown, depth = 0): WireThrown {
  try {
    return encode(thrown, depth);
  } catch {
    return { e: 0, value: printable(thrown) };
  }
}

function encode(thrown: unknown, depth: number): WireThrown {
  if (!isErrorLike(thrown)) {
    return { e: 0, value: cloneable(thrown) };
  }
  let props: Record<string, unknown> | undefined;
  for (const key of Object.keys(thrown)) {
    if (skipped.has(key)) continue;
    props ??= {};
    props[key] = cloneable((thrown as unknown as Record<string, unknown>)[key]);
  }
  const wire: {
    e: 1;
    name: string;
    message: string;
    stack: string | undefined;
    cause?: WireThrown;
    errors?: WireThrown[];
    props: Record<string, unknown> | undefined;
  } = {
    e: 1,
    name: String(thrown.name),
    message: String(thrown.message),
    stack: typeof thrown.stack === "string" ? thrown.stack : undefined,
    props,
  };
  // Past the depth limit the chain is cut: the error comes back without its cause.
  if (depth < MAX_DEPTH && "cause" in thrown && thrown.cause !== undefined) {
    wire.cause = encodeThrown(thrown.cause, depth + 1);
  }
  const errors = (thrown as { errors?: unknown }).errors;
  if (depth < MAX_DEPTH && Array.isArray(errors))
    wire.errors = errors.map((x) => encodeThrown(x, depth + 1));
  return wire;
}

const builtins: Record<string, ErrorConstructor> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

/**
 * Rebuilds a thrown value: an `Error` (of the built-in class its name names, else `Error`)
 * with the same name, message, stack, `cause` and own properties; a non-Error throw as the
 * value itself.
 */
export function decodeThrown(wire: WireThrown): unknown {
  if (wire.e === 0) return wire.value;
  const Ctor = builtins[wire.name] ?? Error;
  const error: Error & Record<string, unknown> =
    wire.cause === undefined
      ? (new Ctor(wire.message) as Error & Record<string, unknown>)
      : (new Ctor(wire.message, { cause: decodeThrown(wire.cause) }) as Error &
          Record<string, unknown>);
  if (error.name !== wire.name) {
    Object.defineProperty(error, "name", {
      value: wire.name,
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
  if (wire.stack === undefined) delete error.stack;
  else error.stack = wire.stack;
  if (wire.errors !== undefined) {
    Object.defineProperty(error, "errors", {
      value: wire.errors.map(decodeThrown),
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
  if (wire.props !== undefined) Object.assign(error, wire.props);
  return error;
}
