// Runs inside every pool thread: the `threads.setup` module, imported once before the first
// task; its `around` wraps every message, its `shutdown` runs at stop.

import { pathToFileURL } from "node:url";
import { workerData } from "node:worker_threads";
import { encodeThrown } from "./error-codec.js";
import { SHUTDOWN_MARK, type ShutdownReply, type ThreadData } from "./protocol.js";
import { importModule } from "./thread-modules.js";

export type Around = (
  info: { workerId: string; channel: string | undefined; dispatch: "thread"; messageId: string },
  headers: Readonly<Record<string, string>>,
  run: () => unknown,
) => unknown;

/** What the per-task path reads: whether setup finished, and the module's `around`. */
export const setupModule: { ready: boolean; around: Around | undefined } = {
  ready: false,
  around: undefined,
};
let shutdownHook: (() => unknown) | undefined;
let setupDone: Promise<void> | undefined;

export function setup(): Promise<void> {
  if (setupDone === undefined) {
    const spec = (workerData as ThreadData).setup;
    setupDone =
      spec === null
        ? Promise.resolve()
        : importModule(spec.includes("://") ? spec : pathToFileURL(spec).href).then((mod) => {
            if (typeof mod.around === "function") setupModule.around = mod.around as Around;
            if (typeof mod.shutdown === "function") {
              shutdownHook = mod.shutdown as () => unknown;
            }
          });
    void setupDone.then(() => {
      setupModule.ready = true;
    });
  }
  return setupDone;
}

/**
 * At stop, before the pool ends this thread: the setup module's `shutdown()`, once the module
 * loaded (a thread that never imported it has nothing to flush). The main thread bounds the
 * wait.
 */
export async function shutdown(): Promise<ShutdownReply> {
  // A setup module that failed to load was reported then, and has no hook to call.
  const loaded =
    setupDone !== undefined &&
    (await setupDone.then(
      () => true,
      () => false,
    ));
  try {
    if (loaded && shutdownHook !== undefined) await shutdownHook();
    return { [SHUTDOWN_MARK]: true };
  } catch (error) {
    return { [SHUTDOWN_MARK]: true, err: encodeThrown(error) };
  }
}
