// Shared by the integration tests: a definition with one NATS input, gates, waiting for a
// condition (bounded: the server answers over a socket, so there is no microtask to flush).

import { startWorkers, type WorkersEvent, type WorkersSystem } from "@workers/runtime";
import { type NatsTransportOptions, natsTransport } from "../src/index.js";

let n = 0;
/** A subject no other test of the run uses. */
export function uniqueSubject(): string {
  return `t${process.pid}.s${++n}.${Math.random().toString(36).slice(2, 8)}`;
}

export async function until(
  cond: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export interface Gate {
  readonly open: () => void;
  readonly wait: Promise<void>;
}

export function gate(): Gate {
  let open!: () => void;
  const wait = new Promise<void>((r) => {
    open = r;
  });
  return { open, wait };
}

export interface Started {
  system: WorkersSystem<any>;
  events: WorkersEvent[];
}

export async function startNatsSystem(
  options: {
    url: string;
    subject: string;
    buffer?: number;
    bufferType?: "fixed" | "dropping" | "sliding";
    putMode?: "async" | "block" | "drop";
    concurrency?: number;
    transport?: Omit<NatsTransportOptions, "servers" | "connection">;
  },
  workerFn: (ctx: any, msg: any) => unknown,
): Promise<Started> {
  const events: WorkersEvent[] = [];
  const system: WorkersSystem<any> = await startWorkers(
    {
      channels: {
        in: {
          transport: "nats",
          subject: options.subject,
          buffer: options.buffer ?? 100,
          bufferType: options.bufferType ?? "fixed",
          putMode: options.putMode ?? "block",
        },
      },
      workers: {
        w: {
          kind: "command",
          in: "in",
          expose: true,
          concurrency: options.concurrency ?? 1,
          workerFn,
        },
      },
    } as never,
    { obs: (e: WorkersEvent) => events.push(e) },
    { transports: { nats: natsTransport({ servers: options.url, ...options.transport }) } },
  );
  return { system, events };
}

export function drops(events: readonly WorkersEvent[]): { reason: string; msg: unknown }[] {
  return events.flatMap((e) =>
    e.type === "workers.drop" ? [{ reason: e.reason, msg: e.msg }] : [],
  );
}
