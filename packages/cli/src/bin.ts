#!/usr/bin/env node
// The `workers` command. Exits explicitly: a worker module may leave handles open after its
// system has stopped, and the command is done then.
import { runCli } from "./cli.js";

try {
  const code = await runCli(process.argv.slice(2));
  process.exit(code);
} catch (error) {
  process.stderr.write(`workers: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(70);
}
