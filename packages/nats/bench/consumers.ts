// Consumer processes for the multi-process rows (see consumer.ts), spawned as the replica
// tests spawn theirs and stopped by PID.

import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const PROGRAM = fileURLToPath(new URL("./consumer.ts", import.meta.url));

class Consumer {
  processed = 0;
  ready = false;
  gone = false;
  readonly exited: Promise<void>;
  private readonly child: ChildProcess;

  constructor(args: readonly string[], onProgress: () => void) {
    this.child = spawn(
      process.execPath,
      ["--conditions=@workers/source", "--import", "tsx", PROGRAM, ...args],
      { stdio: ["pipe", "pipe", "inherit"], cwd: fileURLToPath(new URL("..", import.meta.url)) },
    );
    let rest = "";
    this.child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      const lines = (rest + chunk).split("\n");
      rest = lines.pop()!;
      for (const l of lines) {
        if (l === "READY") this.ready = true;
        else if (l.startsWith("P ")) this.processed = Number(l.slice(2));
      }
      onProgress();
    });
    this.exited = new Promise((resolve) =>
      this.child.once("exit", () => {
        this.gone = true;
        onProgress();
        resolve();
      }),
    );
  }

  say(word: string): void {
    this.child.stdin!.write(`${word}\n`);
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      process.kill(this.child.pid!, "SIGKILL");
    }
  }
}

/**
 * Starts `processes` consumers, says `GO` once all are connected and returns the ms from then
 * until together they processed `n` messages; then stops them.
 */
export async function runConsumers(
  processes: number,
  args: readonly string[],
  n: number,
  timeoutMs = 120_000,
): Promise<number> {
  let wake: () => void = () => {};
  const progress = (): void => wake();
  const all = Array.from({ length: processes }, () => new Consumer(args, progress));
  const wait = async (cond: () => boolean, what: string): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!cond()) {
      if (all.some((c) => c.gone)) throw new Error(`bench: a consumer process exited early`);
      if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
      // Woken by the next line from a consumer, or after a while to check the deadline.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  };
  try {
    await wait(() => all.every((c) => c.ready), "consumer processes to connect");
    const began = performance.now();
    for (const c of all) c.say("GO");
    await wait(() => all.reduce((sum, c) => sum + c.processed, 0) >= n, `${n} processed`);
    const ms = performance.now() - began;
    for (const c of all) c.say("STOP");
    await Promise.all(all.map((c) => c.exited));
    return ms;
  } finally {
    for (const c of all) c.kill();
  }
}
