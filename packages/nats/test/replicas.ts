// Processes for the multi-process tests: replicas of a service, and other fixtures by file.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** A fixture in its own process (`--conditions=@workers/source --import tsx`), its stdout by line. */
export class FixtureProcess {
  readonly lines: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: string | null }>;
  private readonly child: ChildProcess;

  constructor(fixture: string, args: readonly string[]) {
    this.child = spawn(
      process.execPath,
      [
        "--conditions=@workers/source",
        "--import",
        "tsx",
        fileURLToPath(new URL(`./fixtures/${fixture}`, import.meta.url)),
        ...args,
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

  signal(sig: NodeJS.Signals): void {
    if (this.child.exitCode === null && this.child.signalCode === null) process.kill(this.pid, sig);
  }
}

/** One replica of a service (fixtures/replica.ts). */
export class Replica extends FixtureProcess {
  constructor(url: string, subject: string, options: { ackWaitMs?: number; workMs?: number } = {}) {
    super("replica.ts", [
      url,
      subject,
      String(options.ackWaitMs ?? 30_000),
      String(options.workMs ?? 5),
    ]);
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
}
