import type {
  ChannelOp,
  ModuleRef,
  ThreadOptions,
  ThreadTask,
  WorkerInfo,
} from "../../src/internal/dispatch.js";
import { createThreadDispatcher } from "../../src/thread/thread-dispatcher.js";

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

export function dispatcher(threads: ThreadOptions = {}, channelOp?: ChannelOp) {
  return createThreadDispatcher({
    threads: { min: 1, max: 2, ...threads, execArgv: tsxExecArgv },
    channelOp: channelOp ?? (() => Promise.reject(new Error("no channels in this test"))),
  });
}
