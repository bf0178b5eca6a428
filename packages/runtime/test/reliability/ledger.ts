// Accounting for the conservation law: every message sent by a test ends exactly once as
// processed (its result reached the output channel or was reported as an output-drop), failed
// (a workers.error event carrying it) or dropped (a workers.drop event carrying it), and the
// caller's view (command/request outcome) and stats() agree with that.
import { expect } from "vitest";
import type { WorkersEvent, WorkersSystem } from "../../src/index.js";

/** A test message: the id is what the ledger follows. */
export interface Msg {
  readonly id: number;
  readonly [key: string]: unknown;
}

type Settled =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: unknown };

interface Sent {
  readonly id: number;
  readonly worker: string;
  readonly kind: "command" | "request";
  outcome: Settled | undefined;
  readonly done: Promise<void>;
}

type DropEvent = Extract<WorkersEvent, { type: "workers.drop" }>;
type ErrorEvent = Extract<WorkersEvent, { type: "workers.error" }>;

function idOf(value: unknown): number | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const id = (value as { id?: unknown }).id;
  return typeof id === "number" ? id : undefined;
}

/** Messages sent through ledgers in this test file, and how many of them carried a fault. */
export const sentCounts = { messages: 0, faults: 0 };

/** With RELIABILITY_REPORT set, prints a file's counts (RELIABILITY.md quotes them). */
export function report(file: string, counts: Record<string, number>): void {
  if (process.env.RELIABILITY_REPORT !== undefined) {
    console.log(`RELIABILITY ${file} ${JSON.stringify(counts)}`);
  }
}

/** Records the events of one system and the calls a test makes, then checks the law. */
export class Ledger {
  readonly events: WorkersEvent[] = [];
  private readonly sent = new Map<number, Sent>();
  private nextId = 0;
  /** Results taken from output channels by the test (or by a consumer it runs). */
  private readonly taken: unknown[] = [];

  /** A ledger of several tests on one system: every record here is also made there. */
  constructor(private readonly parent?: Ledger) {}

  /** The emitter to pass as `components.obs`. */
  readonly emit = (event: WorkersEvent): void => {
    this.events.push(event);
    this.parent?.emit(event);
  };

  /** A fresh message id. */
  id(): number {
    return this.parent === undefined ? this.nextId++ : this.parent.id();
  }

  /** `system.command`, recorded. */
  command(system: WorkersSystem<any>, worker: string, extra: Record<string, unknown> = {}): Sent {
    const id = this.id();
    if (extra.fault !== undefined && extra.fault !== "ok") sentCounts.faults++;
    return this.track(id, worker, "command", system.command(worker, { id, ...extra }));
  }

  /** `system.request`, recorded. */
  request(
    system: WorkersSystem<any>,
    worker: string,
    extra: Record<string, unknown> = {},
    options: { timeoutMs?: number; signal?: AbortSignal } = {},
  ): Sent {
    const id = this.id();
    if (extra.fault !== undefined && extra.fault !== "ok") sentCounts.faults++;
    return this.track(id, worker, "request", system.request(worker, { id, ...extra }, options));
  }

  private track(id: number, worker: string, kind: Sent["kind"], call: Promise<unknown>): Sent {
    sentCounts.messages++;
    const entry: Sent = {
      id,
      worker,
      kind,
      outcome: undefined,
      done: call.then(
        (value) => {
          entry.outcome = { ok: true, value };
        },
        (error: unknown) => {
          entry.outcome = { ok: false, error };
        },
      ),
    };
    this.sent.set(id, entry);
    this.parent?.sent.set(id, entry);
    return entry;
  }

  /** Results a consumer took from an output channel. */
  took(value: unknown): void {
    this.taken.push(value);
    this.parent?.took(value);
  }

  /** Takes whatever is left on the given channels (after stop they are closed and drained). */
  drain(system: WorkersSystem<any>, ...channels: string[]): void {
    for (const name of channels) {
      const ch = system.channels[name];
      if (ch === undefined) throw new Error(`no channel ${name}`);
      for (let v = ch.poll(); v !== undefined; v = ch.poll()) this.took(v);
    }
  }

  drops(reason?: string): DropEvent[] {
    return this.events.filter(
      (e): e is DropEvent =>
        e.type === "workers.drop" && (reason === undefined || e.reason === reason),
    );
  }

  errors(): ErrorEvent[] {
    return this.events.filter((e): e is ErrorEvent => e.type === "workers.error");
  }

  /** The outcomes each message id ended with. */
  outcomes(): Map<number, string[]> {
    const out = new Map<number, string[]>();
    const add = (id: number | undefined, what: string): void => {
      if (id === undefined) return;
      const list = out.get(id) ?? [];
      list.push(what);
      out.set(id, list);
    };
    for (const v of this.taken) add(idOf(v), "processed");
    for (const e of this.errors()) add(idOf(e.msg), "failed");
    for (const d of this.drops()) {
      // A fail-chan-full drop carries the error event: the message already ended as failed.
      if (d.reason === "fail-chan-full") continue;
      add(idOf(d.msg), d.reason === "output-drop" ? "processed" : `dropped:${d.reason}`);
    }
    return out;
  }

  /**
   * Checks the law once every call has settled and the system is stopped (or idle with its
   * outputs drained): each sent message ended exactly once; a refused call left no trace; the
   * caller's outcome agrees; stats agree with the events. Returns the tally.
   */
  async check(system: WorkersSystem<any>, options: { stats?: boolean } = {}): Promise<Tally> {
    await Promise.all([...this.sent.values()].map((s) => s.done));
    const outcomes = this.outcomes();
    const tally: Tally = { sent: this.sent.size, processed: 0, failed: 0, dropped: 0, refused: 0 };
    for (const s of this.sent.values()) {
      const ends = outcomes.get(s.id) ?? [];
      const o = s.outcome!;
      const refusedByCall =
        (s.kind === "command" && !o.ok) ||
        (s.kind === "request" && !o.ok && isCode(o.error, "ERR_STOPPED") && !ends.length) ||
        (s.kind === "request" && !o.ok && isCode(o.error, "ERR_PENDING_LIMIT")) ||
        (s.kind === "request" && !o.ok && isCode(o.error, "ERR_TIMEOUT") && !ends.length);
      if (refusedByCall) {
        expect(ends, `message ${s.id} was refused at the call but has outcomes`).toEqual([]);
        tally.refused++;
        continue;
      }
      expect(ends, `message ${s.id} (${s.kind} ${s.worker}) must end exactly once`).toHaveLength(1);
      const end = ends[0]!;
      if (end === "processed") tally.processed++;
      else if (end === "failed") tally.failed++;
      else tally.dropped++;
      if (s.kind === "command") {
        // Accepted, unless refused by a drop put mode (an input-drop event).
        expect(o).toEqual({ ok: true, value: end !== "dropped:input-drop" });
      } else if (o.ok) {
        expect(end).toBe("processed");
        expect(idOf(o.value)).toBe(s.id);
      } else if (isCode(o.error, "ERR_DROPPED")) {
        expect(end).toBe(`dropped:${(o.error as { reason: string }).reason}`);
      } else if (isCode(o.error, "ERR_STOPPED")) {
        expect(end).toBe("dropped:shutdown");
      } else if (isCode(o.error, "ERR_TIMEOUT")) {
        // Timed out while processing or waiting: it still ends once, whatever the ending.
      } else {
        expect(end).toBe("failed");
      }
    }
    // Nothing ended that was never sent.
    for (const id of outcomes.keys()) expect(this.sent.has(id), `unknown id ${id}`).toBe(true);
    if (options.stats === false) return tally;
    // stats() agrees with the events.
    const stats = system.stats();
    const byChannel: Record<string, number> = {};
    for (const d of this.drops()) byChannel[d.channel] = (byChannel[d.channel] ?? 0) + 1;
    for (const [channel, n] of Object.entries(stats.drops)) expect(n).toBe(byChannel[channel] ?? 0);
    for (const [name, w] of Object.entries(stats.workers)) {
      expect(w.errors).toBe(this.errors().filter((e) => e.workerId === name).length);
      if (system.state === "stopped") expect(w.inFlight).toBe(0);
    }
    return tally;
  }
}

/** What `check` counted. */
export interface Tally {
  sent: number;
  processed: number;
  failed: number;
  dropped: number;
  refused: number;
}

export function isCode(error: unknown, code: string): boolean {
  try {
    return (
      typeof error === "object" && error !== null && (error as { code?: unknown }).code === code
    );
  } catch {
    return false;
  }
}

// Captured before any test installs fake timers.
const realSetImmediate = globalThis.setImmediate;

/** Lets every pending microtask (and promise chain) run. */
export function flush(): Promise<void> {
  return new Promise((resolve) => {
    realSetImmediate(resolve);
  });
}

/** A promise with its resolvers. */
export function latch<T = void>(): {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
} {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** The tsx loader for the TypeScript fixtures run in threads (tests only). */
export const tsxExecArgv: readonly string[] = [
  "--import",
  new URL("./register-tsx.mjs", import.meta.url).href,
];

/** `fixtures/faults.ts#<name>` as a workerFn reference. */
export function faultsRef(name: string): string {
  return `${new URL("./fixtures/faults.ts", import.meta.url).href}#${name}`;
}
