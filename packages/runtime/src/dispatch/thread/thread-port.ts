// Runs inside every pool thread: its control port, on which channel operations travel to the
// main thread and back (and the main thread asks for the setup module's shutdown at stop).

import {
  MessageChannel,
  type MessagePort,
  parentPort,
  type Transferable,
  threadId,
} from "node:worker_threads";
import { decodeThrown } from "./error-codec.js";
import { type OpRequest, type OpResponse, PORT_MARK, SHUTDOWN_MARK } from "./protocol.js";
import { shutdown } from "./thread-setup.js";
import { transferListOf } from "./transfer.js";

const control = new MessageChannel();
const port: MessagePort = control.port1;
parentPort?.postMessage({ [PORT_MARK]: true, port: control.port2, threadId }, [control.port2]);

let nextOpId = 0;
const pendingOps = new Map<number, { resolve(ok: boolean): void; reject(e: unknown): void }>();

port.on("message", (res: OpResponse | typeof SHUTDOWN_MARK) => {
  if (res === SHUTDOWN_MARK) {
    void shutdown().then((reply) => port.postMessage(reply));
    return;
  }
  const waiter = pendingOps.get(res.id);
  if (waiter === undefined) return;
  pendingOps.delete(res.id);
  if ("err" in res) waiter.reject(decodeThrown(res.err));
  else waiter.resolve(res.ok);
});
// Only while an operation waits does the port keep the thread's loop alive.
port.unref();

/** A channel operation of message `seq` (`-1`: none), carried out on the main thread. */
export function channelOp(
  workerId: string,
  channel: string,
  op: "put" | "offer",
  value: unknown,
  seq: number,
): Promise<boolean> {
  if (value === undefined) {
    return Promise.reject(new TypeError(`cannot ${op} undefined on channel "${channel}"`));
  }
  const id = nextOpId++;
  const request: OpRequest =
    seq < 0
      ? { id, w: workerId, c: channel, o: op, v: value }
      : { id, w: workerId, c: channel, o: op, v: value, q: seq };
  return new Promise<boolean>((resolve, reject) => {
    try {
      const list = transferListOf(value);
      port.postMessage(request, list as Transferable[] | undefined);
    } catch (error) {
      reject(error);
      return;
    }
    if (pendingOps.size === 0) port.ref();
    pendingOps.set(id, {
      resolve(ok) {
        if (pendingOps.size === 0) port.unref();
        resolve(ok);
      },
      reject(e) {
        if (pendingOps.size === 0) port.unref();
        reject(e);
      },
    });
  });
}
