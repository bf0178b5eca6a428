// Encodes the messages of one pool task into the flat wire format of protocol.ts (internal).

import type { Transferable } from "node:worker_threads";
import type { WorkerInfo } from "../types.js";
import { isEmpty } from "./pool-setup.js";
import { packed, type RunPayload, slotOf, type WireWorker } from "./protocol.js";
import { transferListOf } from "./transfer.js";
import { type Item, POSTED } from "./work-items.js";

/** A pool task ready to post: its payload, what it transfers, and its oldest enqueue time. */
export interface EncodedRun {
  readonly payload: RunPayload;
  readonly transfers: Transferable[] | undefined;
  readonly oldest: number;
}

/**
 * Marks `items` posted, numbered from `base` (the first `tracked` with a slot), and encodes
 * them column by column; message ids only `withIds` (a setup module's `around` sees them).
 */
export function encodeRun(
  items: readonly Item[],
  groups: number[] | null,
  base: number,
  tracked: number,
  withIds: boolean,
  now: number,
): EncodedRun {
  const n = items.length;
  const workers: WireWorker[] = [];
  let workerIndex: Uint8Array | null = null;
  const bodies: unknown[] = [];
  let headers: (Readonly<Record<string, string>> | 0)[] | null = null;
  const ids: string[] | null = withIds ? [] : null;
  let attempts: Uint32Array | null = null;
  let transfers: Transferable[] | undefined;
  let oldest = now;
  // The messages of a batch share their worker and (mostly) one empty headers object: each
  // is looked at once a pool task.
  let lastWorker: WorkerInfo | undefined;
  let w = 0;
  let noHeaders: object | undefined;
  for (let k = 0; k < n; k++) {
    const item = items[k] as Item;
    const task = item.task;
    item.state = POSTED;
    item.seq = base + k;
    if (item.owner.enqueuedAt < oldest) oldest = item.owner.enqueuedAt;
    if (task.worker !== lastWorker) {
      lastWorker = task.worker;
      w = 0;
      while (w < workers.length && (workers[w] as WireWorker)[0] !== task.worker.name) w++;
      // At most 64 messages are coalesced (a batch has one worker): the index fits a byte.
      if (w === workers.length) {
        workers.push([
          task.worker.name,
          task.worker.kind,
          task.worker.in ?? null,
          task.ref.url,
          task.ref.exportName,
        ]);
      }
    }
    if (w > 0) (workerIndex ??= new Uint8Array(n))[k] = w;
    bodies.push(task.body);
    const h = task.headers;
    if (h !== noHeaders) {
      if (isEmpty(h)) noHeaders = h;
      else (headers ??= packed<Readonly<Record<string, string>> | 0>(n, 0))[k] = h;
    }
    item.slot = k < tracked ? slotOf(base + k) : -1;
    if (ids !== null) ids.push(task.messageId);
    const attempt = task.attempt;
    if (attempt !== undefined && attempt !== 1) (attempts ??= new Uint32Array(n))[k] = attempt;
    const list = transferListOf(task.body);
    if (list !== undefined) (transfers ??= []).push(...list);
  }
  const payload: RunPayload = {
    w: workers,
    wi: workerIndex,
    b: bodies,
    h: headers,
    t: tracked,
    q: base,
    g: groups,
    m: ids,
    a: attempts,
  };
  return { payload, transfers, oldest };
}
