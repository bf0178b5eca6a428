// The one place a message ends: processed (`succeed`), failed (`fail`), or given up by `stop`
// (`abandon`). Executors start and end messages only through a worker's `Outcomes`; a message
// in flight is a `Job`, and `end`/`abandon` take it out of flight exactly once.

import type { Channel } from "@workers/channels";
import { Histogram } from "../observability/histogram.js";
import { MessageEnvelope } from "../system/envelope.js";
import type { ErrorSource, WorkerHost } from "../system/host.js";
import type { Delivery } from "../transport/types.js";

/** One message in flight. */
export class Job {
  /** Set by `Outcomes.end`/`abandon` only. */
  ended = false;
  /** Part of a thread batch (the loop counts the batch, not its jobs). */
  batched = false;
  startedAt = -1;
  /** Settles (never rejects) once the job ended; what `stop` waits for. */
  settled: Promise<void> | undefined = undefined;
  /** Neighbours in its worker's list of jobs in flight (`JobList`). */
  prev: Job | undefined = undefined;
  next: Job | undefined = undefined;
  /** `working()` heartbeats of its delivery while it runs (`Delivery.ackWaitMs`). */
  heartbeat: ReturnType<typeof setInterval> | undefined = undefined;

  constructor(
    readonly env: MessageEnvelope | undefined,
    readonly body: unknown,
    readonly delivery: Delivery | undefined,
  ) {}
}

/**
 * The jobs in flight of one worker, oldest first: an intrusive doubly linked list (a job is
 * linked and unlinked in O(1), with nothing allocated or hashed per message).
 */
export class JobList implements Iterable<Job> {
  private head: Job | undefined = undefined;
  private tail: Job | undefined = undefined;
  size = 0;

  add(job: Job): void {
    job.prev = this.tail;
    job.next = undefined;
    if (this.tail === undefined) this.head = job;
    else this.tail.next = job;
    this.tail = job;
    this.size++;
  }

  delete(job: Job): void {
    const { prev, next } = job;
    if (prev === undefined) {
      if (this.head !== job) return; // not in the list
      this.head = next;
    } else prev.next = next;
    if (next === undefined) this.tail = prev;
    else next.prev = prev;
    job.prev = undefined;
    job.next = undefined;
    this.size--;
  }

  *[Symbol.iterator](): Iterator<Job> {
    for (let job = this.head; job !== undefined; job = job.next) yield job;
  }
}

/** A processed message ends for its transport and for a `request` waiting on it. */
function settle(
  env: MessageEnvelope | undefined,
  value: unknown,
  delivery: Delivery | undefined,
): void {
  delivery?.ack();
  env?.reply?.resolve(value);
}

/** Where a worker's results go as they are. */
interface Output {
  offer(value: unknown): boolean;
}

/**
 * An output channel in another transport, whose `offer` may throw (a result it cannot encode).
 * Such a result is not sent: `threw` reports it, and the message stays processed (its function
 * succeeded). An in-memory channel refuses nothing a worker can return, so it goes unguarded.
 */
class GuardedOutput implements Output {
  constructor(
    private readonly channel: Channel<unknown>,
    private readonly threw: (value: unknown, error: unknown) => void,
  ) {}

  offer(value: unknown): boolean {
    try {
      return this.channel.offer(value);
    } catch (error) {
      this.threw(value, error);
      return true;
    }
  }
}

/** After the first LATENCY_WARMUP messages of a worker, one in LATENCY_SAMPLE is timed. */
const LATENCY_WARMUP = 64;
const LATENCY_SAMPLE = 128;

export class Outcomes {
  processed = 0;
  errors = 0;
  inFlight = 0;
  /** Successes whose result did not go to the plain output channel (none, or refused). */
  private unsent = 0;
  readonly latency: Histogram = new Histogram();
  /** Messages in flight. */
  readonly jobs: JobList = new JobList();
  /** Called when a message that is not part of a batch leaves flight (the loop's slot). */
  onRelease: (() => void) | undefined = undefined;
  /**
   * Messages until the next one due to be timed (the `dueTick`th of the worker). `GoExecutor`'s
   * `drain` counts it down in a local and stores it back.
   */
  untilSample = 1;
  private dueTick = 1;
  readonly outputChan: string | undefined;
  /** The output channel, when results go to it as they are (without `inject`). */
  private readonly plainOutput: Output | undefined;

  constructor(
    private readonly host: WorkerHost,
    readonly source: ErrorSource,
    outputChan: string | undefined,
  ) {
    this.outputChan = outputChan;
    if (outputChan === undefined || host.obs.inject !== undefined) this.plainOutput = undefined;
    else if (host.isInMemory(outputChan)) this.plainOutput = host.channels[outputChan];
    else {
      this.plainOutput = new GuardedOutput(host.channels[outputChan]!, (value, error) => {
        this.unsent++;
        host.reportError(source, value, error);
      });
    }
  }

  /**
   * Counts a message; true when it is due to be timed: the first LATENCY_WARMUP, then one in
   * LATENCY_SAMPLE. A countdown, so an untimed message costs a decrement. A due message's
   * start is `startTiming()`.
   */
  sampleDue(): boolean {
    return --this.untilSample === 0;
  }

  /**
   * When a message's latency is measured: a due one (`sampleDue`) and, with `idle`, any
   * message started while none is in flight. -1: not measured.
   */
  sampledStart(idle: boolean): number {
    return this.sampleDue() || (idle && this.inFlight === 0) ? this.startTiming() : -1;
  }

  /** The start of a timed message; schedules the next due one when this one was due. */
  startTiming(): number {
    if (this.untilSample === 0) {
      const tick = this.dueTick;
      const gap = tick < LATENCY_WARMUP ? 1 : LATENCY_SAMPLE - (tick % LATENCY_SAMPLE);
      this.untilSample = gap;
      this.dueTick = tick + gap;
    }
    return performance.now();
  }

  /**
   * Results its output channel accepted straight (without `inject`; else `deliver` counts).
   * Counted as the successes that were not `unsent`: one counter less on the hot path.
   */
  get outputs(): number {
    return this.plainOutput === undefined ? 0 : this.processed - this.unsent;
  }

  /** A message that ended processed with nothing to send (a ticker without a function). */
  processedQuietly(): void {
    this.processed++;
    this.unsent++;
  }

  /** A success (latency includes the output offer). */
  succeed(
    env: MessageEnvelope | undefined,
    value: unknown,
    startedAt: number,
    delivery: Delivery | undefined,
  ): void {
    this.succeedBare(value);
    if (env !== undefined || delivery !== undefined) settle(env, value, delivery);
    if (startedAt >= 0) this.recordLatency(startedAt);
  }

  /**
   * `succeed` of a message without envelope or delivery, not timed: what a busy go worker runs
   * per message. The rare cases are out of line, so that this and the output channel's
   * `offer` stay small enough to be inlined into the executor's `drain`.
   */
  succeedBare(value: unknown): undefined {
    this.processed++;
    const out = this.plainOutput;
    if (out !== undefined) {
      if (value === undefined || !out.offer(value)) this.notSent(value);
    } else if (value !== undefined && this.outputChan !== undefined) this.output(value);
    return undefined;
  }

  /** A success with no result, or one its plain output channel refused (an output drop). */
  private notSent(value: unknown): void {
    this.unsent++;
    if (value !== undefined) {
      this.host.drop("output-drop", this.outputChan!, value, this.source.name);
    }
  }

  /** A result for `inject` to deliver (its output channel gets the result in an envelope). */
  private output(value: unknown): void {
    try {
      this.host.deliver(this.outputChan!, value, this.source.name, "output-drop");
    } catch (error) {
      this.host.reportError(this.source, value, error);
    }
  }

  private recordLatency(startedAt: number): void {
    const now = performance.now();
    this.latency.record(now - startedAt, now);
  }

  /** A failure: an error event (and the fail channel), a rejected request. */
  fail(
    env: MessageEnvelope | undefined,
    body: unknown,
    error: unknown,
    startedAt: number,
    delivery: Delivery | undefined,
  ): void {
    this.errors++;
    this.host.reportError(this.source, body, error);
    delivery?.term(error);
    env?.reply?.reject(error);
    if (startedAt >= 0) this.recordLatency(startedAt);
  }

  /** A message goes into flight. */
  begin(
    env: MessageEnvelope | undefined,
    body: unknown,
    delivery: Delivery | undefined,
    startedAt: number,
  ): Job {
    const job = new Job(env, body, delivery);
    job.startedAt = startedAt;
    this.inFlight++;
    this.jobs.add(job);
    const ackWaitMs = delivery?.ackWaitMs;
    if (ackWaitMs !== undefined && ackWaitMs > 1) {
      // Before the transport would redeliver it: a long run keeps its message.
      const d = delivery!;
      job.heartbeat = setInterval(() => d.working(), Math.floor(ackWaitMs / 2));
      job.heartbeat.unref?.();
    }
    return job;
  }

  /**
   * Ends a job once (a job `stop` already gave up on is not ended again), then frees its slot.
   * The outcome (output offer included) comes first, so a draining stop never sees the system
   * quiescent while a result is still on its way to the next worker.
   */
  end(job: Job, ok: boolean, value: unknown): void {
    if (job.ended) return;
    job.ended = true;
    try {
      if (ok) this.succeed(job.env, value, job.startedAt, job.delivery);
      else this.fail(job.env, job.body, value, job.startedAt, job.delivery);
    } finally {
      this.release(job);
    }
  }

  /**
   * `stop` gave up on a job: a `shutdown` drop (its late outcome is ignored), or, from an
   * acknowledged transport, handed back to it for another consumer.
   */
  abandon(job: Job): void {
    if (job.ended) return;
    job.ended = true;
    this.release(job);
    if (job.delivery !== undefined) {
      job.delivery.nak(0);
      this.host.returned(job.env);
    } else {
      this.host.shutdownDrop(this.source.name, this.source.inChannel, job.env, job.body);
    }
  }

  /**
   * A failed run of a message from a transport that redelivers (`retry` on NATS): handed back
   * with `nak(delayMs)`, to run again (here or in another replica) as its next attempt. Not an
   * outcome: the message has not ended, its delivery has.
   */
  retryLater(job: Job, delayMs: number): void {
    if (job.ended) return;
    job.ended = true;
    this.release(job);
    job.delivery!.nak(delayMs);
  }

  /**
   * Something threw in a loop itself. A message it had taken but not handed to an executor
   * fails (its error event, its request rejected); otherwise the error is reported alone.
   */
  fault(value: unknown, error: unknown, delivery: Delivery | undefined): void {
    if (value === undefined) {
      this.host.reportError(this.source, undefined, error);
      return;
    }
    if (typeof value === "object" && value instanceof MessageEnvelope) {
      this.fail(value, value.body, error, -1, delivery);
    } else {
      this.fail(undefined, value, error, -1, delivery);
    }
    this.host.progress();
  }

  private release(job: Job): void {
    if (job.heartbeat !== undefined) clearInterval(job.heartbeat);
    this.inFlight--;
    this.jobs.delete(job);
    if (!job.batched) this.onRelease?.();
    this.host.progress();
  }
}
