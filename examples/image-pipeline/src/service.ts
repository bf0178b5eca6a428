// The image-pipeline service: the workers system, the consumers of its two ends (`images/out`,
// `workers/errors`), the HTTP entry point and the live dashboard (@workers/dashboard) under
// /dashboard/ on the same port.
import { createServer } from "node:http";
import { resolve } from "node:path";
import { dashboardHandler } from "@workers/dashboard";
import { startWorkers, type WorkersSystem } from "@workers/runtime";
import { createApi } from "./api.js";
import { definition, definitionBaseUrl } from "./definition.js";
import { close, listen } from "./http-util.js";
import { JobTracker, jobIdOf, type StoredImage } from "./jobs.js";

/** A runtime event as the service reads it (other fields ignored). */
export interface ServiceEvent {
  readonly type: string;
  readonly workerId?: string;
  readonly channel?: string;
  readonly reason?: string;
  readonly message?: string;
  readonly msg?: unknown;
}

/**
 * An observability component as the runtime takes it (`components.obs`): an emitter plus the
 * optional instrumentation hooks, e.g. `otelObservability()` from `@workers/otel`.
 */
export interface Observability {
  emit?(event: any): void;
  inject?(headers: Record<string, string>, info: any): void;
  around?<T>(
    info: any,
    headers: Readonly<Record<string, string>>,
    run: () => Promise<T>,
  ): Promise<T>;
  attach?(system: any): void;
}

/** The thread pool options the service passes on (`execArgv`: tests run the runtime from source). */
export interface ThreadPoolOptions {
  readonly min?: number;
  readonly max?: number;
  readonly idleTimeoutMs?: number;
  readonly execArgv?: readonly string[];
}

/** One failure seen on `workers/errors` (the seed's error event, without the error object). */
export interface FailureRecord {
  readonly workerId: string;
  readonly message: string;
  readonly at: number;
}

/** Options of {@link startService}. */
export interface ServiceOptions {
  /** Where thumbnails go. @default "./out" */
  readonly outDir?: string;
  /** API port. @default 0 (an ephemeral port) */
  readonly port?: number;
  /** @default "127.0.0.1" */
  readonly host?: string;
  /** The system's thread pool (`StartOptions.threads`). @default { min: 2 } */
  readonly threads?: ThreadPoolOptions;
  /** Also receives every event, with its hooks (tracing). */
  readonly observability?: Observability;
  /** Called with every runtime event. */
  readonly onEvent?: (event: ServiceEvent) => void;
  /** Longest `POST /images?wait=1` waits. @default 30000 */
  readonly waitTimeoutMs?: number;
}

/** A running service. */
export interface Service {
  /** Base URL of the HTTP API. */
  readonly url: string;
  /** The live dashboard: `<url>/dashboard/`. */
  readonly dashboardUrl: string;
  readonly outDir: string;
  readonly system: WorkersSystem<typeof definition>;
  readonly jobs: JobTracker;
  /** The most recent failures (at most 50). */
  readonly failures: readonly FailureRecord[];
  /** Stops accepting HTTP requests, drains the pipeline, stops the system. */
  close(): Promise<void>;
}

/** Starts the workers system and its HTTP entry point. */
export async function startService(options: ServiceOptions = {}): Promise<Service> {
  const outDir = resolve(options.outDir ?? "out");
  const jobs = new JobTracker();
  const failures: FailureRecord[] = [];
  const extra = options.observability;

  const obs: Observability = {
    emit(event: ServiceEvent) {
      if (event.type === "workers.drop") {
        const jobId = jobIdOf(event.msg);
        if (jobId !== undefined) jobs.dropped(jobId, event.channel ?? "?", event.reason ?? "?");
      }
      options.onEvent?.(event);
      extra?.emit?.(event);
    },
  };
  if (extra?.inject) obs.inject = extra.inject.bind(extra);
  if (extra?.around) obs.around = extra.around.bind(extra);
  if (extra?.attach) obs.attach = extra.attach.bind(extra);

  const system = await startWorkers(
    definition,
    { obs },
    // Two threads from the start: a thread's first image pays for loading sharp and libvips.
    { baseUrl: definitionBaseUrl, threads: options.threads ?? { min: 2 } },
  );

  // The seed's examples 2 and 3: one consumer for the output channel, one for the errors.
  const stored = (async () => {
    for await (const result of system.channels["images/out"]!) {
      jobs.stored(result as StoredImage);
    }
  })();
  const failed = (async () => {
    for await (const event of system.channels["workers/errors"]!) {
      const e = event as { workerId: string; message: string; msg: unknown; at?: number };
      failures.push({ workerId: e.workerId, message: e.message, at: e.at ?? Date.now() });
      if (failures.length > 50) failures.shift();
      const jobId = jobIdOf(e.msg);
      if (jobId !== undefined) jobs.failed(jobId, e.workerId, e.message);
    }
  })();

  const api = createApi({
    system,
    jobs,
    outDir,
    ...(options.waitTimeoutMs !== undefined ? { waitTimeoutMs: options.waitTimeoutMs } : {}),
  });
  // The dashboard owns /dashboard/, /dashboard/stats and /dashboard/events; the rest is the API.
  const dashboard = dashboardHandler(system, { basePath: "/dashboard", title: "image-pipeline" });
  const server = createServer((req, res) => dashboard(req, res, () => api(req, res)));
  let url: string;
  try {
    url = await listen(server, options.port ?? 0, options.host ?? "127.0.0.1");
  } catch (error) {
    await system.stop();
    throw error;
  }

  let closing: Promise<void> | undefined;
  return {
    url,
    dashboardUrl: `${url}/dashboard/`,
    outDir,
    system,
    jobs,
    failures,
    close() {
      closing ??= (async () => {
        // Open dashboard pages hold event streams: end them, or the server never closes.
        dashboard.close();
        await close(server);
        await system.stop();
        await Promise.all([stored, failed]);
      })();
      return closing;
    },
  };
}
