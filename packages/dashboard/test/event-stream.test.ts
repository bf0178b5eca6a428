// The event timer with fake timers and a stand-in response: it runs only while a client
// listens, and nothing is left scheduled once the clients leave or the system stops.
import { EventEmitter } from "node:events";
import type { ServerResponse } from "node:http";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { EventStream, sseFrame } from "../src/event-stream.js";
import type { DashboardSystem } from "../src/types.js";

class FakeResponse extends EventEmitter {
  chunks: string[] = [];
  writableEnded = false;
  full = false;
  writeHead(): this {
    return this;
  }
  write(chunk: string): boolean {
    this.chunks.push(chunk);
    return !this.full;
  }
  end(chunk?: string): this {
    if (chunk !== undefined) this.chunks.push(chunk);
    this.writableEnded = true;
    this.emit("close");
    return this;
  }
  leave(): void {
    this.emit("close");
  }
}

function fakeSystem() {
  const system = {
    state: "running" as DashboardSystem["state"],
    calls: 0,
    definition: { channels: {}, workers: {} },
    stats() {
      system.calls++;
      return { n: system.calls } as never;
    },
  };
  return system;
}

const add = (stream: EventStream): FakeResponse => {
  const res = new FakeResponse();
  stream.add(res as unknown as ServerResponse);
  return res;
};

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("EventStream", () => {
  it("frames an event as id, event and one data line", () => {
    expect(sseFrame("stats", '{"a":1}', 7)).toBe('id: 7\nevent: stats\ndata: {"a":1}\n\n');
    expect(sseFrame("stopped", "{}")).toBe("event: stopped\ndata: {}\n\n");
  });

  it("schedules nothing until a client comes, and nothing once the last one leaves", () => {
    const system = fakeSystem();
    const stream = new EventStream(system, 1000);
    expect(vi.getTimerCount()).toBe(0);
    const a = add(stream);
    const b = add(stream);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(3000);
    // One snapshot per tick, shared by both clients (plus one for each at connection).
    expect(system.calls).toBe(2 + 3);
    expect(a.chunks.filter((c) => c.includes("event: stats"))).toHaveLength(4);
    a.leave();
    expect(vi.getTimerCount()).toBe(1);
    b.leave();
    expect(vi.getTimerCount()).toBe(0);
    expect(stream.size).toBe(0);
  });

  it("ends every stream with `stopped` and clears its timer once the system has stopped", () => {
    const system = fakeSystem();
    const stream = new EventStream(system, 1000);
    const a = add(stream);
    system.state = "stopping";
    vi.advanceTimersByTime(1000);
    // Still streaming while the system drains.
    expect(a.writableEnded).toBe(false);
    expect(a.chunks.at(-1)).toContain("event: stats");
    system.state = "stopped";
    vi.advanceTimersByTime(1000);
    expect(a.writableEnded).toBe(true);
    expect(a.chunks.at(-1)).toMatch(/^id: \d+\nevent: stopped\ndata: \{"n":\d+\}\n\n$/);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("skips snapshots for a client whose socket is full, and resumes after drain", () => {
    const system = fakeSystem();
    const stream = new EventStream(system, 1000);
    const a = add(stream);
    a.full = true;
    vi.advanceTimersByTime(1000); // written, but the socket says it is full
    const before = a.chunks.length;
    vi.advanceTimersByTime(3000);
    expect(a.chunks.length).toBe(before);
    a.full = false;
    a.emit("drain");
    vi.advanceTimersByTime(1000);
    expect(a.chunks.length).toBe(before + 1);
    a.leave();
  });

  it("sends an error event when stats() throws, and keeps streaming", () => {
    const system = fakeSystem();
    let fail = false;
    const stats = system.stats;
    system.stats = () => {
      if (fail) throw new Error("stats failed");
      return stats();
    };
    const stream = new EventStream(system, 1000);
    const a = add(stream);
    fail = true;
    vi.advanceTimersByTime(1000);
    expect(a.chunks.at(-1)).toMatch(/event: error\ndata: \{"message":"stats failed"\}/);
    fail = false;
    vi.advanceTimersByTime(1000);
    expect(a.chunks.at(-1)).toContain("event: stats");
    stream.close();
    expect(a.writableEnded).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });
});
