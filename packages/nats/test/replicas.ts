// Replica processes for the multi-process tests.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const FIXTURE = fileURLToPath(new URL("./fixtures/replica.ts", import.meta.url));

export class Replica {
  readonly lines: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: string | null }>;
  private readonly child: ChildProcess;

  constructor(url: string, subject: string, options: { ackWaitMs?: number; workMs?: number } = {}) {
    this.child = spawn(
      process.execPath,
      [
        "--conditions=@workers/source",
        "--import",
        "tsx",
        FIXTURE,
        url,
        subject,
        String(options.ackWaitMs ?? 30_000),
        String(options.workMs ?? 5),
      ],
      { stdio: ["ignore", "pipe", "inherit"], cwd: fileURLToPath(new URL("..", import.meta.url)) },
    );
    let rest = "";
    this.child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      const parts = (rest + chunk).split("\n");
      rest = parts.pop()!;
      this.lines.push(...parts);
    });
    this.exited = new Promise((resolve) => {
      this.child.once("exit", (code, signal) => resolve({ code, signal }));
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  has(line: string): boolean {
    return this.lines.includes(line);
  }

  /** Bodies acked here. */
  acked(): number[] {
    return this.lines.filter((l) => l.startsWith("A ")).map((l) => Number(l.slice(2)));
  }

  deliveries(): { body: number; redelivered: boolean }[] {
    return this.lines
      .filter((l) => l.startsWith("D "))
      .map((l) => {
        const [, body, redelivered] = l.split(" ");
        return { body: Number(body), redelivered: redelivered === "true" };
      });
  }

  signal(sig: NodeJS.Signals): void {
    if (this.child.exitCode === null && this.child.signalCode === null) process.kill(this.pid, sig);
  }
}
