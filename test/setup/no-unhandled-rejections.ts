// Fails the test during which a promise rejection went unhandled (and the file, for one that
// surfaced after its last test). Test-only: it may use `node:` modules. Any package can use it:
//
//   // packages/<name>/vitest.config.ts
//   setupFiles: [fileURLToPath(new URL("../../test/setup/no-unhandled-rejections.ts", import.meta.url))]
//
// Vitest reports an unhandled rejection for the whole run, but attributes it to no test (or a
// wrong one); this makes the test that caused it fail, with the reasons attached.
import { setImmediate as realSetImmediate } from "node:timers";
import { afterAll, afterEach } from "vitest";

/** The error a test fails with: `errors` holds every reason, `code` is stable. */
export class UnhandledRejectionsError extends AggregateError {
  readonly code = "ERR_UNHANDLED_REJECTION" as const;

  constructor(reasons: unknown[], when: string) {
    super(
      reasons,
      `${reasons.length} unhandled rejection(s) ${when}: ${reasons.map(describe).join("; ")}`,
    );
    this.name = "UnhandledRejectionsError";
  }
}

function describe(reason: unknown): string {
  if (reason instanceof Error) {
    const code = (reason as { code?: unknown }).code;
    return `${reason.name}${typeof code === "string" ? ` [${code}]` : ""}: ${reason.message}`;
  }
  try {
    return String(reason);
  } catch {
    return typeof reason;
  }
}

interface State {
  readonly reasons: unknown[];
  readonly listener: (reason: unknown) => void;
}

// One listener a process, however many test files (each re-evaluates this module) run in it.
const KEY = Symbol.for("@workers/test/no-unhandled-rejections");
const holder = globalThis as { [KEY]?: State };
const state: State =
  holder[KEY] ??
  (holder[KEY] = (() => {
    const reasons: unknown[] = [];
    const listener = (reason: unknown): void => {
      reasons.push(reason);
    };
    process.on("unhandledRejection", listener);
    return { reasons, listener };
  })());

/** The listener this file installed (a test that provokes a rejection on purpose keeps it). */
export const unhandledRejectionListener: (reason: unknown) => void = state.listener;

/** Returns and forgets the reasons recorded so far (for a test that provokes one on purpose). */
export function takeUnhandledRejections(): unknown[] {
  return state.reasons.splice(0);
}

/**
 * Lets Node report what went unhandled (it does once the microtask queue is empty, so after a
 * macrotask), then throws `UnhandledRejectionsError` if anything was. Real timers: a test's
 * fake timers do not delay it.
 */
export async function checkUnhandledRejections(when = "during this test"): Promise<void> {
  await new Promise<void>((resolve) => realSetImmediate(resolve));
  const reasons = takeUnhandledRejections();
  if (reasons.length > 0) throw new UnhandledRejectionsError(reasons, when);
}

afterEach(() => checkUnhandledRejections());
afterAll(() => checkUnhandledRejections("after this file's last test"));
