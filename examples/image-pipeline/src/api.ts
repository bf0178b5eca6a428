// The service's HTTP entry point:
//   POST /images          {"url"}  -> command("image-download"): 202 with the job's status URL
//   POST /images?wait=1   {"url"}  -> request("image-download"), then the stored file: 201
//   GET  /images/:jobId            -> the job's state (queued, stored, failed, dropped)
//   POST /commands        {"cmd"}  -> command("commands")
//   GET  /stats                    -> system.stats()
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { BadRequestError, readJson, sendJson } from "./http-util.js";
import { JobError, type JobTracker } from "./jobs.js";

/** The part of the workers system the API uses (its exposed workers). */
export interface ApiSystem {
  command(worker: "commands" | "image-download", msg: unknown): Promise<boolean>;
  request(
    worker: "commands" | "image-download",
    msg: unknown,
    options?: { timeoutMs?: number },
  ): Promise<unknown>;
  stats(): unknown;
}

/** What {@link createApi} needs. */
export interface ApiOptions {
  readonly system: ApiSystem;
  readonly jobs: JobTracker;
  /** Where `image-store` writes thumbnails. */
  readonly outDir: string;
  /** Longest a `?wait=1` request waits, unless `?timeoutMs=` asks for less. @default 30000 */
  readonly waitTimeoutMs?: number;
}

const codeOf = (error: unknown): string | undefined =>
  typeof error === "object" &&
  error !== null &&
  typeof (error as { code?: unknown }).code === "string"
    ? (error as { code: string }).code
    : undefined;

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/** Maps a failure to an HTTP answer. Runtime errors are told apart by their stable `code`. */
function sendError(res: ServerResponse, error: unknown, jobId?: string): void {
  const code = codeOf(error) ?? "ERR_INTERNAL";
  const body = { error: { code, message: messageOf(error) }, ...(jobId ? { jobId } : {}) };
  switch (code) {
    case "ERR_BAD_REQUEST":
    case "ERR_INVALID_MESSAGE":
      sendJson(res, 400, body);
      return;
    case "ERR_DROPPED":
    case "ERR_JOB_DROPPED":
      // Load shed at the door (images/in is a dropping buffer): try again shortly.
      sendJson(res, 503, body, { "retry-after": "1" });
      return;
    case "ERR_STOPPED":
      sendJson(res, 503, body);
      return;
    case "ERR_TIMEOUT":
    case "ERR_JOB_TIMEOUT":
      sendJson(res, 504, body);
      return;
    case "ERR_JOB_FAILED":
      sendJson(res, 502, body);
      return;
    case "ERR_NOT_EXPOSED":
    case "ERR_INTERNAL":
      sendJson(res, 500, body);
      return;
    default:
      // The worker's own error (rebuilt from its thread): the upstream image is the problem.
      sendJson(res, 502, body);
  }
}

function imageUrlOf(body: unknown): string {
  const url = (body as { url?: unknown } | null)?.url;
  if (typeof url !== "string") throw new BadRequestError('expected {"url": "http://..."}');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new BadRequestError(`not a URL: ${url}`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new BadRequestError(`only http(s) URLs: ${url}`);
  }
  return parsed.href;
}

/** The API as a `node:http` request listener. */
export function createApi(options: ApiOptions): RequestListener {
  const { system, jobs, outDir, waitTimeoutMs = 30_000 } = options;

  async function postImage(req: IncomingMessage, res: ServerResponse, query: URLSearchParams) {
    const url = imageUrlOf(await readJson(req));
    const jobId = jobs.create(url);
    const msg = { jobId, url, outDir };
    const wait = query.get("wait");
    if (wait === null || wait === "0" || wait === "false") {
      const accepted = await system.command("image-download", msg);
      if (!accepted) {
        jobs.dropped(jobId, "images/in", "input-drop");
        sendError(res, new JobError("ERR_JOB_DROPPED", "images/in refused the image"), jobId);
        return;
      }
      sendJson(res, 202, { jobId, status: `/images/${jobId}` }, { location: `/images/${jobId}` });
      return;
    }
    const asked = Number(query.get("timeoutMs") ?? waitTimeoutMs);
    const timeoutMs =
      Number.isFinite(asked) && asked > 0 ? Math.min(asked, waitTimeoutMs) : waitTimeoutMs;
    const started = Date.now();
    // The stored file arrives on images/out, after image-download's reply: listen first.
    const stored = jobs.wait(jobId, timeoutMs);
    stored.catch(() => {});
    try {
      await system.request("image-download", msg, { timeoutMs });
      const result = await stored;
      sendJson(res, 201, { ...result, elapsedMs: Date.now() - started });
    } catch (error) {
      sendError(res, error, jobId);
    }
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { pathname, searchParams } = new URL(req.url ?? "/", "http://localhost");
    if (pathname === "/images" && req.method === "POST") {
      await postImage(req, res, searchParams);
    } else if (pathname.startsWith("/images/") && req.method === "GET") {
      const job = jobs.get(pathname.slice("/images/".length));
      if (job) sendJson(res, 200, job);
      else sendJson(res, 404, { error: { code: "ERR_NOT_FOUND", message: "no such job" } });
    } else if (pathname === "/commands" && req.method === "POST") {
      const body = await readJson(req);
      if (typeof (body as { cmd?: unknown } | null)?.cmd !== "string") {
        throw new BadRequestError('expected {"cmd": "ping"}');
      }
      const accepted = await system.command("commands", body);
      sendJson(res, accepted ? 202 : 503, { accepted });
    } else if (pathname === "/stats" && req.method === "GET") {
      sendJson(res, 200, system.stats());
    } else {
      sendJson(res, 404, {
        error: { code: "ERR_NOT_FOUND", message: `${req.method} ${pathname}` },
      });
    }
  }

  return (req, res) => {
    route(req, res).catch((error: unknown) => {
      if (res.headersSent) res.destroy();
      else sendError(res, error);
    });
  };
}
