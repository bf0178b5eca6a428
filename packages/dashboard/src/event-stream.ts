// Server-sent stats: one timer per handler, running only while a client listens, unref'd so it
// never keeps a process alive. Each tick takes one snapshot for every client. While the system
// drains (`state` "stopping") the stream goes on, so the drain can be watched; once it has
// stopped, every stream gets a last `stopped` event and ends, and the timer stops.
import type { ServerResponse } from "node:http";
import type { DashboardSystem } from "./types.js";

/** One SSE frame. `data` is single-line JSON, so one `data:` field carries it. */
export function sseFrame(event: string, data: string, id?: number): string {
  return `${id === undefined ? "" : `id: ${id}\n`}event: ${event}\ndata: ${data}\n\n`;
}

interface Client {
  readonly res: ServerResponse;
  /** False while the socket's buffer is full: snapshots are skipped, not queued. */
  writable: boolean;
}

export class EventStream {
  readonly #system: DashboardSystem;
  readonly #intervalMs: number;
  readonly #clients = new Set<Client>();
  #timer: NodeJS.Timeout | undefined;
  #id = 0;

  constructor(system: DashboardSystem, intervalMs: number) {
    this.#system = system;
    this.#intervalMs = intervalMs;
  }

  get size(): number {
    return this.#clients.size;
  }

  /** Starts streaming to `res`: headers, the current snapshot at once, then one per interval. */
  add(res: ServerResponse): void {
    const client: Client = { res, writable: true };
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      connection: "keep-alive",
      "x-accel-buffering": "no",
      "x-content-type-options": "nosniff",
    });
    // A reconnecting browser waits this long (the default, 3 s, is long for a live view).
    res.write("retry: 1000\n\n");
    res.on("drain", () => {
      client.writable = true;
    });
    res.on("close", () => this.#remove(client));
    this.#clients.add(client);
    const frame = this.#snapshot();
    if (this.#system.state === "stopped") {
      this.#end(client, frame.replace(/^event: stats/m, "event: stopped"));
      return;
    }
    this.#write(client, frame);
    this.#timer ??= setInterval(() => this.#tick(), this.#intervalMs).unref();
  }

  /** Ends every stream (without a `stopped` event) and stops the timer. */
  close(): void {
    for (const client of this.#clients) this.#end(client);
  }

  #snapshot(): string {
    this.#id++;
    try {
      return sseFrame("stats", JSON.stringify(this.#system.stats()), this.#id);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return sseFrame("error", JSON.stringify({ message }), this.#id);
    }
  }

  #tick(): void {
    const stopped = this.#system.state === "stopped";
    const frame = this.#snapshot();
    if (stopped) {
      const last = frame.replace(/^event: stats/m, "event: stopped");
      for (const client of this.#clients) this.#end(client, last);
      return;
    }
    for (const client of this.#clients) this.#write(client, frame);
  }

  #write(client: Client, frame: string): void {
    if (!client.writable) return;
    client.writable = client.res.write(frame);
  }

  #end(client: Client, last?: string): void {
    this.#remove(client);
    if (client.res.writableEnded) return;
    if (last === undefined) client.res.end();
    else client.res.end(last);
  }

  #remove(client: Client): void {
    this.#clients.delete(client);
    if (this.#clients.size === 0 && this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }
}
