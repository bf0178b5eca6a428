// The thread dispatcher is imported only when a definition has a thread worker, so a go-only
// system never loads piscina. A literal specifier lets bundlers and vitest map it to source.

import type { ThreadDispatcher, ThreadDispatcherOptions } from "./types.js";

type CreateThreadDispatcher = (options: ThreadDispatcherOptions) => ThreadDispatcher;

export async function loadThreadDispatcher(): Promise<CreateThreadDispatcher> {
  const mod = await import("./thread/thread-dispatcher.js");
  return mod.createThreadDispatcher;
}
