import { createThreadDispatcher } from "../../src/dispatch/thread/thread-dispatcher.js";
import type {
  ChannelOp,
  ModuleRef,
  ThreadOptions,
  ThreadTask,
  WorkerInfo,
} from "../../src/dispatch/types.js";

/** The tsx loader for thread workers written in TypeScript (tests only). */
export const tsxExecArgv: readonly string[] = [
  "--import",
  new URL("./register-tsx.mjs", import.meta.url).href,
];

/** A fixture module reference: `test/fixtures/thread-<name>.ts#<exportName>`. */
export function fixture(name: string, exportName = "default"): ModuleRef {
  return { url: new URL(`../fixtures/thread-${name}.ts`, import.meta.url).href, exportName };
}

export function workerInfo(name: string, input = `${name}/in`): WorkerInfo {
  return { name, kind: "command", dispatch: "thread", in: input };
}

let ids = 0;
const never = new AbortController().signal;

export function task(ref: ModuleRef, body: unknown, extra: Partial<ThreadTask> = {}): ThreadTask {
  return {
    worker: workerInfo(ref.exportName),
    ref,
    body,
    headers: {},
    messageId: `m${++ids}`,
    signal: never,
    ...extra,
  };
}

export function dispatcher(
  threads: ThreadOptions = {},
  channelOp?: ChannelOp,
  abortGraceMs?: number,
) {
  return createThreadDispatcher({
    threads: { min: 1, max: 2, ...threads, execArgv: tsxExecArgv },
    channelOp: channelOp ?? (() => Promise.reject(new Error("no channels in this test"))),
    ...(abortGraceMs === undefined ? {} : { abortGraceMs }),
  });
}

/** A latch shared with a thread: slot 0 = go, slot 1 = started, slot 2 = a run counter. */
export function latch(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT));
}

type WaitAsync = (
  array: Int32Array,
  index: number,
  value: number,
) => { async: false; value: string } | { async: true; value: Promise<string> };

/** Resolves once the thread set "started" (without blocking the event loop). */
export async function started(l: Int32Array): Promise<void> {
  // `Atomics.waitAsync` is ES2024 (Node 16+); the package's lib is ES2023.
  const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;
  while (Atomics.load(l, 1) === 0) {
    const wait = waitAsync(l, 1, 0);
    if (wait.async) await wait.value;
  }
}

/** Lets a blocked thread go. */
export function release(l: Int32Array): void {
  Atomics.store(l, 0, 1);
  Atomics.notify(l, 0);
}

/** Tracks whether a promise settled, for "still pending" assertions. */
export function track<T>(promise: Promise<T>): {
  readonly settled: boolean;
  readonly promise: Promise<T>;
} {
  const state = { settled: false, promise };
  promise.then(
    () => {
      state.settled = true;
    },
    () => {
      state.settled = true;
    },
  );
  return state;
}

/** A channelOp that records calls and resolves `next(n)` once `n` calls arrived. */
export function recorder(
  answer: (call: ChannelCall) => Promise<boolean> = () => Promise.resolve(true),
) {
  const calls: ChannelCall[] = [];
  const waiters: { n: number; resolve(): void }[] = [];
  const op: ChannelOp = (call) => {
    calls.push(call);
    for (const w of waiters.filter((x) => x.n <= calls.length)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
    return answer(call);
  };
  const next = (n: number): Promise<void> =>
    calls.length >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }));
  return { calls, op, next };
}

export type ChannelCall = Parameters<ChannelOp>[0];
