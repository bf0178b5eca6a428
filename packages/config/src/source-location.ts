// Where a module's SyntaxError is. V8 gives a SyntaxError no line or column properties: Node
// keeps the location (`file:///...:LINE`, the source line and a caret under the column) in a
// private field and prepends it to `stack` only when the error goes uncaught or is rethrown
// through `node:vm` with `displayErrors`. An import error that is caught (by `@workers/config`
// importing a worker module, or in a worker thread) is neither, so it is rethrown through `vm`
// once (the `stack` then starts as Node prints it), and the location is read from there.

import { fileURLToPath } from "node:url";
import { runInNewContext } from "node:vm";

/** A position in a source file; `column` is 1-based, `undefined` when Node gave no caret. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number | undefined;
}

const LOCATION_LINE = /^(.+):(\d+)$/;

/**
 * Puts Node's location line on top of a SyntaxError's `stack` (thread side, on the error
 * object itself: compile and link errors carry their location privately). Other errors, and a
 * SyntaxError thrown by running code (`JSON.parse`), which has no such location, are left as
 * they are.
 */
export function decorateSyntaxError(error: unknown): void {
  if (!(error instanceof SyntaxError)) return;
  const before = error.stack;
  if (typeof before !== "string" || sourceLocation(before) !== undefined) return;
  try {
    runInNewContext("throw error", { error }, { displayErrors: true, filename: "decorate" });
  } catch {
    // Rethrown as expected; `stack` now starts with the location, when the error had one.
  }
  const after = error.stack as unknown;
  const location = typeof after === "string" ? sourceLocation(after) : undefined;
  // No location of its own: Node described the rethrow instead. Put the stack back.
  if (location === undefined || location.file === "decorate") error.stack = before;
}

/**
 * The location at the top of a decorated `stack` (`file:///a.mjs:4`, then the source line and
 * a caret line); a `file:` URL comes back as a path.
 */
export function sourceLocation(stack: string): SourceLocation | undefined {
  const lines = stack.split("\n", 3);
  const match = LOCATION_LINE.exec(lines[0] ?? "");
  // A stack proper starts with "Name: message"; a location line has no ": " after the scheme.
  if (match === null || /^\w*(Error|Exception)\b/.test(lines[0] ?? "")) return undefined;
  let file = match[1] as string;
  if (file.startsWith("file:")) {
    try {
      file = fileURLToPath(file);
    } catch {
      // Kept as the URL.
    }
  }
  const caret = lines[2]?.indexOf("^") ?? -1;
  return { file, line: Number(match[2]), column: caret < 0 ? undefined : caret + 1 };
}
