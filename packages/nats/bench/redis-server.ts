// A throwaway `redis-server` for the BullMQ rows: a free loopback port, no persistence, its own
// directory; started and stopped by PID like the test's nats-server.

import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { canConnect, freePort } from "../test/nats-server.js";

export const REDIS_SERVER = process.env.REDIS_SERVER ?? "/usr/bin/redis-server";

export class RedisServer {
  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly child: ChildProcess,
  ) {}

  /** `undefined` when there is no redis-server binary on this machine. */
  static async start(): Promise<RedisServer | undefined> {
    if (!existsSync(REDIS_SERVER)) return undefined;
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), "workers-redis-"));
    const child = spawn(
      REDIS_SERVER,
      [
        ...["--bind", "127.0.0.1", "--port", String(port)],
        ...["--save", "", "--appendonly", "no", "--dir", dir],
      ],
      { stdio: "ignore", cwd: dir },
    );
    const server = new RedisServer(port, dir, child);
    const deadline = Date.now() + 10_000;
    while (!(await canConnect(port))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        await server.stop();
        throw new Error(`redis-server did not start on port ${port}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    return server;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((r) => child.once("exit", r));
      process.kill(child.pid!, "SIGTERM");
      await gone;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
