// `--demo`: generates test images, serves them locally, starts the service, submits every image
// through the HTTP entry point (`POST /images?wait=1`) from a few concurrent clients, draws the
// dashboard while it runs, then prints a summary and where the thumbnails are.
import { mkdir, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Dashboard, type Frame, RateMeter, type StatsView } from "./dashboard.js";
import { startImageServer } from "./image-server.js";
import type { StoredImage } from "./jobs.js";
import { type Observability, startService, type ThreadPoolOptions } from "./service.js";
import { generateTestImages } from "./test-images.js";

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** Images to generate and submit. @default 300 */
  readonly count?: number;
  /** Concurrent HTTP clients. More than the pipeline holds makes `images/in` shed load. @default 8 */
  readonly clients?: number;
  /** Where thumbnails go (emptied first). @default "./out" */
  readonly outDir?: string;
  /** Where the dashboard and summary go. @default process.stdout */
  readonly out?: NodeJS.WriteStream | NodeJS.WritableStream;
  /** Redraw interval on a TTY. @default 100 */
  readonly refreshMs?: number;
  /** Force TTY or line mode. @default whether `out` is a TTY */
  readonly tty?: boolean;
  readonly observability?: Observability;
  /** The system's thread pool. */
  readonly threads?: ThreadPoolOptions;
  /** Sends given up after this many refusals. @default 50 */
  readonly maxAttempts?: number;
  /**
   * Called once the service is up, before any image is sent; the run waits for it (a test or a
   * screenshot can look at the dashboard while the pipeline works).
   */
  readonly onReady?: (urls: {
    readonly api: string;
    readonly dashboard: string;
  }) => void | Promise<void>;
}

/** What the demo did. */
export interface DemoResult {
  readonly images: number;
  readonly stored: number;
  readonly failed: number;
  /** Submissions answered 503 (shed by the dropping `images/in`) and sent again. */
  readonly retried: number;
  /** Thumbnails found in `outDir` after the run. */
  readonly thumbnails: number;
  readonly outDir: string;
  readonly elapsedMs: number;
  readonly stats: StatsView;
  readonly results: readonly StoredImage[];
  readonly failures: readonly {
    readonly url: string;
    readonly status: number;
    readonly body: string;
  }[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Runs the demo end to end; resolves when the service has stopped. */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const count = options.count ?? 300;
  const clients = options.clients ?? 8;
  const out = options.out ?? process.stdout;
  const maxAttempts = options.maxAttempts ?? 50;
  const say = (s: string): void => void out.write(`${s}\n`);

  const imagesDir = join(tmpdir(), `workers-image-pipeline-${process.pid}`);
  const outDir = options.outDir ?? "out";
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });

  let t = performance.now();
  const images = await generateTestImages(imagesDir, { count });
  say(
    `Generated ${images.length} test images (PNG and JPEG, ${Math.min(...images.map((i) => i.width))}-${Math.max(...images.map((i) => i.width))} px wide) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );

  const imageServer = await startImageServer(imagesDir);
  const service = await startService({
    outDir,
    ...(options.observability ? { observability: options.observability } : {}),
    ...(options.threads ? { threads: options.threads } : {}),
  });
  say(`Image server ${imageServer.url}/images, API ${service.url} (POST /images, GET /stats)`);
  say(`Dashboard ${service.dashboardUrl} (open it while the demo runs)`);

  const dashboard = new Dashboard(out, options.tty === undefined ? {} : { tty: options.tty });
  // Ctrl-C during a redraw would leave the cursor hidden.
  const onInterrupt = (): void => {
    dashboard.end();
    process.exit(130);
  };
  if (dashboard.tty) process.once("SIGINT", onInterrupt);
  const meter = new RateMeter();
  const results: StoredImage[] = [];
  const failures: { url: string; status: number; body: string }[] = [];
  let retried = 0;
  let stats: StatsView | undefined;
  t = performance.now();

  const frame = (): Frame => ({
    total: count,
    stored: results.length,
    failed: failures.length,
    retried,
    elapsedMs: performance.now() - t,
    stats,
    rates: meter.update(stats, performance.now()),
  });

  // The dashboard reads the stats the way any client would: GET /stats.
  let polling = true;
  const poller = (async () => {
    while (polling) {
      try {
        const res = await fetch(`${service.url}/stats`);
        stats = (await res.json()) as StatsView;
      } catch {
        // The service is stopping.
      }
      dashboard.draw(frame());
      await sleep(dashboard.tty ? (options.refreshMs ?? 100) : 250);
    }
  })();

  // The seed's `commands` worker, through its own entry point.
  await fetch(`${service.url}/commands`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ cmd: "ping" }),
  });

  const queue = [...imageServer.imageUrls];
  const client = async (): Promise<void> => {
    for (let url = queue.shift(); url !== undefined; url = queue.shift()) {
      for (let attempt = 1; ; attempt++) {
        const res = await fetch(`${service.url}/images?wait=1`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ url }),
        });
        if (res.status === 201) {
          results.push((await res.json()) as StoredImage);
          break;
        }
        const body = await res.text();
        if (res.status === 503 && attempt < maxAttempts) {
          // Shed at the door: back off a little and send it again.
          retried++;
          await sleep(10 + Math.random() * 40 * Math.min(attempt, 5));
          continue;
        }
        failures.push({ url, status: res.status, body });
        break;
      }
    }
  };
  try {
    await options.onReady?.({ api: service.url, dashboard: service.dashboardUrl });
    await Promise.all(Array.from({ length: clients }, client));
  } finally {
    polling = false;
    await poller;
    try {
      stats = (await (await fetch(`${service.url}/stats`)).json()) as StatsView;
    } catch {}
    dashboard.draw(frame(), true);
    dashboard.end();
    process.off("SIGINT", onInterrupt);
    await service.close();
    await imageServer.close();
    await rm(imagesDir, { recursive: true, force: true });
  }
  const elapsedMs = performance.now() - t;
  const thumbnails = (await readdir(outDir)).filter((f) => f.endsWith(".jpg")).length;
  const finalStats = stats ?? {};
  return {
    images: count,
    stored: results.length,
    failed: failures.length,
    retried,
    thumbnails,
    outDir: service.outDir,
    elapsedMs,
    stats: finalStats,
    results,
    failures,
  };
}

/** The summary printed after the run. */
export function summary(r: DemoResult): string[] {
  const s = r.elapsedMs / 1000;
  const errors = Object.values(r.stats.errors ?? {}).reduce((a, b) => a + b, 0);
  const drops = Object.entries(r.stats.drops ?? {}).filter(([, n]) => n > 0);
  const lat = Object.entries(r.stats.workers ?? {})
    .filter(([, w]) => w.latencyMs !== undefined && w.processed > 0)
    .map(([name, w]) => `${name} ${w.latencyMs!.p50.toFixed(1)}/${w.latencyMs!.p95.toFixed(1)}`)
    .join(", ");
  const ok = r.thumbnails > 0 && r.failed === 0 && errors === 0;
  return [
    "",
    `${ok ? "Done" : "Finished with problems"}: ${r.images} images -> ${r.stored} stored, ${r.thumbnails} thumbnails in ${s.toFixed(1)} s (${(r.stored / s).toFixed(1)} images/s)`,
    `  shed and retried  ${r.retried} submissions (images/in is a dropping buffer of 4: load is shed at the door)`,
    `  drops             ${drops.length > 0 ? drops.map(([c, n]) => `${c} ${n}`).join(", ") : "none"}`,
    `  errors            ${errors}${r.failed > 0 ? ` (${r.failed} images failed: ${r.failures[0]?.status} ${r.failures[0]?.body})` : ""}`,
    `  latency p50/p95   ${lat} ms`,
    `  thumbnails        ${r.outDir}`,
  ];
}
