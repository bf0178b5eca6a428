// The thread dispatcher is imported only when a definition has a thread worker, so a go-only
// system never loads piscina. The specifier is a variable: the module is optional at type level.

import type { ThreadDispatcher, ThreadDispatcherOptions } from "./dispatch.js";

const THREAD_MODULE = "../thread/thread-dispatcher.js";

type CreateThreadDispatcher = (options: ThreadDispatcherOptions) => ThreadDispatcher;

export async function loadThreadDispatcher(): Promise<CreateThreadDispatcher> {
  const mod = (await import(THREAD_MODULE)) as { createThreadDispatcher?: CreateThreadDispatcher };
  if (typeof mod.createThreadDispatcher !== "function") {
    throw new TypeError(`${THREAD_MODULE} does not export createThreadDispatcher`);
  }
  return mod.createThreadDispatcher;
}
