// The dev guard measures every synchronous stretch of a go worker (or ticker function): the
// first one around the call itself, and every later one (each resumption after an `await`, a
// timer or I/O callback the worker scheduled) through an async hook. The call runs inside an
// AsyncLocalStorage store naming the worker and its message; resources created there inherit
// the store, so in the hook's `before` the store says whether the callback about to run belongs
// to a watched worker, and `after` measures it. Only `before`/`after` are hooked (no per-resource
// bookkeeping); enabling the hook turns on promise hooks, which costs: dev mode only, and
// nothing is installed when the guard is off.

import { AsyncLocalStorage, createHook } from "node:async_hooks";

interface Stretch {
  readonly workerId: string;
  readonly msg: unknown;
}

export type GuardReport = (workerId: string, blockedMs: number, msg: unknown) => void;

export class DevGuard {
  private readonly store = new AsyncLocalStorage<Stretch>();
  private readonly hook;
  private current: Stretch | undefined = undefined;
  private currentId = -1;
  private startedAt = 0;

  constructor(
    private readonly guardMs: number,
    private readonly report: GuardReport,
  ) {
    this.hook = createHook({
      before: (asyncId) => {
        if (this.current !== undefined) return;
        const stretch = this.store.getStore();
        if (stretch === undefined) return;
        this.current = stretch;
        this.currentId = asyncId;
        this.startedAt = performance.now();
      },
      after: (asyncId) => {
        if (asyncId !== this.currentId) return;
        const stretch = this.current!;
        this.current = undefined;
        this.currentId = -1;
        this.check(stretch, performance.now() - this.startedAt);
      },
    });
  }

  enable(): void {
    this.hook.enable();
  }

  disable(): void {
    this.hook.disable();
    // An AsyncLocalStorage stays enabled once used: on Node 20/22 every enabled one costs each
    // new async resource a propagation step, for the life of the process.
    this.store.disable();
  }

  /** Calls `fn` as a watched stretch of `workerId`. */
  call<R>(workerId: string, msg: unknown, fn: () => R): R {
    const stretch: Stretch = { workerId, msg };
    const outer = this.current;
    // A nested call (rare: a watched stretch calling into another worker synchronously) is
    // part of the outer stretch.
    if (outer !== undefined) return this.store.run(stretch, fn);
    this.current = stretch;
    this.currentId = -2;
    const start = performance.now();
    try {
      return this.store.run(stretch, fn);
    } finally {
      this.current = undefined;
      this.currentId = -1;
      this.check(stretch, performance.now() - start);
    }
  }

  private check(stretch: Stretch, blockedMs: number): void {
    if (blockedMs <= this.guardMs) return;
    // Report outside the store, so what the emitter schedules is not attributed to the worker.
    this.store.exit(() => this.report(stretch.workerId, blockedMs, stretch.msg));
  }
}
