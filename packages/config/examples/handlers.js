// Worker functions referenced from the example definitions. Thread workers are loaded from
// here by reference; they receive (ctx, msg) and their result goes to the worker's outputChan.

/** @param {unknown} _ctx @param {{ url: string }} msg */
export async function download(_ctx, msg) {
  return { url: msg.url, bytes: 0 };
}

/** @param {unknown} _ctx @param {{ url: string, width: number }} msg */
export function resize(_ctx, msg) {
  return { url: msg.url, width: msg.width };
}

/** @param {unknown} _ctx @param {number} tick */
export default function heartbeat(_ctx, tick) {
  return { tick, at: Date.now() };
}
