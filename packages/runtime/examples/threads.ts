// Thread workers: CPU-bound functions run in a piscina pool, loaded from a module reference.
import { fileURLToPath } from "node:url";
import { defineWorkers } from "@workers/config";
import { startWorkers, type ThreadOptions, transfer } from "@workers/runtime";

const definition = defineWorkers({
  channels: {
    "blobs/in": { buffer: 16 },
    "blobs/stored": { buffer: 16 },
    "numbers/in": { buffer: 1024 },
  },
  workers: {
    checksum: {
      kind: "command",
      in: "blobs/in",
      expose: true,
      dispatch: "thread",
      workerFn: "./thread-worker.ts#checksum",
      concurrency: 4,
    },
    double: {
      kind: "command",
      in: "numbers/in",
      expose: true,
      dispatch: "thread",
      workerFn: "./thread-worker.ts#double",
      concurrency: 8,
      // Up to 100 messages per pool task; never waits for a batch to fill.
      batch: { size: 100, maxWaitMs: 0 },
    },
  },
});

export async function main(threads: ThreadOptions = {}) {
  const system = await startWorkers(
    definition,
    {},
    { baseUrl: import.meta.url, threads: { max: 2, ...threads } },
  );
  try {
    const bytes = new TextEncoder().encode("hello, threads");
    // The message's buffer is moved to the thread, not copied. (A string reference does not
    // carry the function's types: results are `unknown`.)
    const { crc } = (await system.request("checksum", transfer(bytes), { timeoutMs: 5000 })) as {
      crc: number;
    };
    const stored = (await system.channels["blobs/stored"].take()) as Uint8Array;
    const doubled = (await Promise.all(
      Array.from({ length: 1000 }, (_, n) => system.request("double", n)),
    )) as number[];
    return {
      crc,
      movedToThread: bytes.byteLength === 0,
      storedBytes: stored.byteLength,
      doubledSum: doubled.reduce((a, b) => a + b, 0),
      pool: system.stats().threads,
    };
  } finally {
    await system.stop();
  }
}

// Run as a script (`npx tsx threads.ts`), it prints what main returns. Its threads load
// thread-worker.ts, so they get tsx's loader too (Node 20's worker threads do not inherit it;
// built to JavaScript, `main()` alone does).
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const tsx = `import { register } from "${import.meta.resolve("tsx/esm/api")}"; register();`;
  console.log(await main({ execArgv: ["--import", `data:text/javascript,${tsx}`] }));
}
