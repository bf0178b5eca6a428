import type { Transferable } from "node:worker_threads";

// Shared through a global symbol, so a user module that reached this file under another URL
// (a second copy of the package) still marks values the dispatcher can see.
const registryKey: unique symbol = Symbol.for("@workers/runtime.transfer") as never;
type Registry = WeakMap<object, readonly Transferable[]>;

function registry(): Registry {
  const holder = globalThis as { [registryKey]?: Registry };
  let map = holder[registryKey];
  if (map === undefined) {
    map = new WeakMap();
    holder[registryKey] = map;
  }
  return map;
}

const marks: Registry = registry();

/**
 * Marks a value so that crossing between the main thread and a thread worker moves its buffers
 * instead of copying them. Works for a thread worker's return value, for `ctx.channels[name].put`
 * / `.offer` values in a thread, and for messages sent to a thread worker. After the move the
 * sender's buffers are detached (zero length).
 *
 * `list` defaults to the value itself for an `ArrayBuffer` or `MessagePort`, and to its buffer
 * for a typed array or `DataView`; for other objects list the buffers to move.
 *
 * @example
 * ```ts
 * export async function resize(ctx, msg) {
 *   const pixels = new Uint8Array(4 * msg.width * msg.height);
 *   return transfer({ pixels, width: msg.width }, [pixels.buffer]);
 * }
 * ```
 */
export function transfer<T extends object>(value: T, list?: readonly Transferable[]): T {
  let items = list;
  if (items === undefined) {
    if (ArrayBuffer.isView(value)) items = [value.buffer as ArrayBuffer];
    else items = [value as unknown as Transferable];
  }
  marks.set(value, items);
  return value;
}

/** The transfer list attached to `value` by {@link transfer}, if any (internal). */
export function transferListOf(value: unknown): readonly Transferable[] | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  return marks.get(value);
}
