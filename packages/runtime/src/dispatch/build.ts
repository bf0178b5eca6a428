// Chooses a worker's executor once, when the worker is built.

import type { Around } from "./around.js";
import { AroundExecutor } from "./around.js";
import type { Executor, ExecutorTarget } from "./executor.js";
import {
  AsyncGoExecutor,
  GoExecutor,
  goAttempts,
  goCall,
  isAsyncFunction,
} from "./go/go-executor.js";
import { hasPolicies, PolicyExecutor } from "./policies.js";
import {
  aroundThreadBatch,
  ThreadExecutor,
  threadAttempts,
  threadCall,
} from "./thread/thread-executor.js";

export function buildExecutor(target: ExecutorTarget): Executor {
  const around: Around | undefined = target.host.obs.around;
  const thread = target.info.dispatch === "thread";
  if (hasPolicies(target.policies)) {
    const attempts = thread ? threadAttempts(target) : goAttempts(target);
    return new PolicyExecutor(target, around, attempts, target.policies, target.host);
  }
  if (around === undefined) {
    if (thread) return new ThreadExecutor(target);
    return isAsyncFunction(target.fn!) ? new AsyncGoExecutor(target) : new GoExecutor(target);
  }
  return thread
    ? new AroundExecutor(target, around, threadCall(target), aroundThreadBatch(target, around))
    : new AroundExecutor(target, around, goCall(target), undefined);
}
