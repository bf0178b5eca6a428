// Builders of the runtime's events (exact shapes in types.ts).

import type { ErrorSource } from "../system/host.js";
import type { ErrorEvent, GuardEvent } from "../types.js";

export function errorMessage(error: unknown): string {
  // Any thrown value, even one whose every access throws, must not break the worker loop.
  try {
    if (error instanceof Error) return String(error.message);
    if (typeof error === "string") return error;
    return String(error);
  } catch {
    return "Unknown error";
  }
}

/** The seed's error event; `failChan` present when the worker has one (the event is offered there). */
export function errorEvent(runner: ErrorSource, msg: unknown, error: unknown): ErrorEvent {
  const base = {
    type: "workers.error" as const,
    workerId: runner.name,
    workerKind: runner.info.kind,
  };
  const tail = { message: errorMessage(error), msg, error };
  const withChannel =
    runner.inChannel === undefined
      ? { ...base, ...tail }
      : { ...base, channel: runner.inChannel, ...tail };
  const failChan = runner.failChan;
  return failChan === undefined
    ? { ...withChannel, at: Date.now() }
    : { ...withChannel, failChan, at: Date.now() };
}

export function guardEvent(workerId: string, blockedMs: number, msg: unknown): GuardEvent {
  const ms = Math.round(blockedMs * 10) / 10;
  return {
    type: "workers.guard",
    workerId,
    blockedMs: ms,
    msg,
    message: `Worker "${workerId}" blocked the event loop for ${ms} ms; move blocking work to dispatch: "thread"`,
    at: Date.now(),
  };
}
