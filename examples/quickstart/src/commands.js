// The Quickstart's worker function. It runs on the system's thread pool (`dispatch: "thread"`),
// loaded from this module by reference.

/**
 * @param {unknown} _ctx
 * @param {unknown} msg
 */
export function commands(_ctx, msg) {
  console.log("cmd", msg);
}
