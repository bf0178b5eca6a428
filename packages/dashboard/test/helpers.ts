import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { defineWorkers, type WorkerFn } from "@workers/config";

/**
 * A small topology with every edge role: in, output, fail and a ticker's out; `jobs` (exposed)
 * runs `jobsFn`.
 */
export function topologyWith<F extends WorkerFn>(jobsFn: F) {
  return defineWorkers({
    channels: {
      "jobs/in": { buffer: 4 },
      "jobs/out": { buffer: 4 },
      "workers/errors": { buffer: 4 },
      ticks: { buffer: 1, bufferType: "sliding" },
    },
    workers: {
      jobs: {
        kind: "command",
        in: "jobs/in",
        expose: true,
        outputChan: "jobs/out",
        failChan: "workers/errors",
        workerFn: jobsFn,
      },
      results: { kind: "command", in: "jobs/out", workerFn: () => {} },
      heartbeat: { kind: "ticker", intervalMs: 60_000, out: "ticks" },
    },
  });
}

/** The small topology, `jobs` doubling a number and throwing for a negative one. */
export const definition = topologyWith((_ctx, n: number) => {
  if (n < 0) throw new Error("negative");
  return n * 2;
});

/** Listens on an ephemeral loopback port; `close` ends every connection. */
export async function listen(listener: RequestListener): Promise<{
  url: string;
  server: Server;
  close(): Promise<void>;
}> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** One parsed server-sent event. */
export interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

/** Parses an SSE body (`retry:` and comments skipped). */
export function parseSse(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  for (const block of text.split("\n\n")) {
    if (block.trim() === "") continue;
    const event: SseEvent = { event: "message", data: "" };
    let hasData = false;
    for (const line of block.split("\n")) {
      const colon = line.indexOf(":");
      const key = line.slice(0, colon);
      const value = line.slice(colon + 1).replace(/^ /, "");
      if (key === "id") event.id = value;
      else if (key === "event") event.event = value;
      else if (key === "data") {
        event.data = hasData ? `${event.data}\n${value}` : value;
        hasData = true;
      }
    }
    if (hasData) events.push(event);
  }
  return events;
}

/** Reads an SSE response until `until` holds for the events so far (or the stream ends). */
export async function readEvents(
  res: Response,
  until: (events: SseEvent[]) => boolean,
): Promise<{ events: SseEvent[]; ended: boolean; text: string }> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return { events: parseSse(text), ended: true, text };
    text += decoder.decode(value, { stream: true });
    // Only complete events count.
    const complete = text.slice(0, text.lastIndexOf("\n\n") + 2);
    const events = parseSse(complete);
    if (until(events)) {
      await reader.cancel();
      return { events, ended: false, text };
    }
  }
}
