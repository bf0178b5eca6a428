// POST /command/<worker> and POST /request/<worker>: a system's exposed workers over HTTP, JSON
// in and out, the runtime's errors mapped to status codes by class.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { NextFunction } from "@workers/dashboard";
import {
  DroppedError,
  InvalidMessageError,
  NotExposedError,
  StoppedError,
  TimeoutError,
  type WorkersSystem,
} from "@workers/runtime";
import { HttpError } from "../errors.js";

/** Options of {@link workersApi}. */
export interface WorkersApiOptions {
  /** Largest JSON body accepted, in bytes. @default 1048576 */
  readonly maxBodyBytes?: number;
  /** `request` timeout unless the call gives `?timeoutMs=`. @default 30000 */
  readonly requestTimeoutMs?: number;
}

/** A request handler for the command/request routes; other paths go to `next`. */
export interface WorkersApi {
  (req: IncomingMessage, res: ServerResponse, next?: NextFunction): void;
  /** Answers every new call `503` (`ERR_STOPPED`) with `connection: close`, for shutdown. */
  closing: boolean;
  /** Resolves once no call is in flight (every accepted HTTP request answered). */
  idle(): Promise<void>;
}

const MAX_TIMEOUT_MS = 2 ** 31 - 1;

function send(res: ServerResponse, status: number, body: unknown, headers = {}): void {
  let data: string;
  try {
    data = JSON.stringify(body);
  } catch (error) {
    status = 500;
    data = JSON.stringify({
      error: {
        name: "TypeError",
        code: "ERR_RESULT_NOT_JSON",
        message: `the result cannot be written as JSON: ${(error as Error).message}`,
      },
    });
  }
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(data),
    "cache-control": "no-store",
    ...headers,
  });
  res.end(data);
}

function errorBody(error: unknown): { error: { name: string; message: string; code?: string } } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      error: {
        name: error.name,
        message: error.message,
        ...(typeof code === "string" ? { code } : {}),
      },
    };
  }
  return { error: { name: "Error", message: String(error) } };
}

/** The status of a failed call: the runtime's errors by class, a worker's own error 500. */
function statusOf(error: unknown): number {
  if (error instanceof HttpError) return error.status;
  if (error instanceof NotExposedError) return 404;
  if (error instanceof InvalidMessageError) return 400;
  if (error instanceof StoppedError || error instanceof DroppedError) return 503;
  if (error instanceof TimeoutError) return 504;
  // command() itself never runs the worker: a pending-put limit is the channel refusing.
  if ((error as { code?: unknown } | null)?.code === "ERR_PENDING_LIMIT") return 503;
  return 500;
}

async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  // The body is read as JSON whatever its content-type says (`curl -d` sends a form type).
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, "ERR_BODY_TOO_LARGE", `body over ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") {
    throw new HttpError(
      400,
      "ERR_BAD_REQUEST",
      "expected a JSON body: the message (e.g. {} or null)",
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new HttpError(
      400,
      "ERR_BAD_REQUEST",
      `the body is not JSON: ${(error as Error).message}`,
    );
  }
}

function timeoutOf(query: URLSearchParams, fallback: number): number {
  const raw = query.get("timeoutMs");
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_TIMEOUT_MS) {
    throw new HttpError(
      400,
      "ERR_BAD_REQUEST",
      `timeoutMs: expected an integer in 1..${MAX_TIMEOUT_MS}, got ${JSON.stringify(raw)}`,
    );
  }
  return n;
}

/**
 * The exposed workers of `system` over HTTP, JSON in and out:
 * - `POST /command/<worker>` with the message as body: `202 {"accepted": true}`, or `503
 *   {"accepted": false}` when the input channel refused it (a `drop` put mode);
 * - `POST /request/<worker>[?timeoutMs=N]`: `200 {"result": <value>}` (`null` for `undefined`).
 *
 * The body is read as JSON whatever its content-type. Errors answer
 * `{"error": {"name", "message", "code"}}`: `404` not exposed, `400` a body that is not JSON (or
 * empty) or a message the runtime refuses, `413` body too large, `503` stopped, dropped or at the pending-put
 * limit, `504` timed out, `500` the worker's own error. A client that disconnects aborts its
 * `request` (the worker's `ctx.signal`). Other paths go to `next()` (or `404`).
 */
export function workersApi(
  system: Pick<WorkersSystem<any>, "command" | "request">,
  options: WorkersApiOptions = {},
): WorkersApi {
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  let inFlight = 0;
  let waiters: (() => void)[] = [];

  async function call(
    kind: "command" | "request",
    worker: string,
    req: IncomingMessage,
    res: ServerResponse,
  ) {
    const query = new URL(req.url ?? "/", "http://localhost").searchParams;
    const timeoutMs = kind === "request" ? timeoutOf(query, requestTimeoutMs) : 0;
    const msg = await readJson(req, maxBodyBytes);
    if (kind === "command") {
      const accepted = await system.command(worker, msg);
      if (accepted) send(res, 202, { accepted });
      else {
        send(
          res,
          503,
          {
            accepted,
            error: {
              name: "DroppedError",
              code: "ERR_DROPPED",
              message: "the input channel refused the message",
            },
          },
          { "retry-after": "1" },
        );
      }
      return;
    }
    const controller = new AbortController();
    const onClose = (): void => {
      if (!res.writableFinished) controller.abort(new Error("the HTTP client went away"));
    };
    res.once("close", onClose);
    try {
      const result = await system.request(worker, msg, { timeoutMs, signal: controller.signal });
      send(res, 200, { result: result === undefined ? null : result });
    } finally {
      res.off("close", onClose);
    }
  }

  const api = ((req: IncomingMessage, res: ServerResponse, next?: NextFunction): void => {
    const pathname = (req.url ?? "/").split("?")[0]!;
    const match = /^\/(command|request)\/([^/]+)$/.exec(pathname);
    if (match === null) {
      if (next) next();
      else
        send(res, 404, {
          error: { name: "HttpError", code: "ERR_NOT_FOUND", message: `${req.method} ${pathname}` },
        });
      return;
    }
    if (req.method !== "POST") {
      send(
        res,
        405,
        { error: { name: "HttpError", code: "ERR_METHOD_NOT_ALLOWED", message: "use POST" } },
        { allow: "POST" },
      );
      return;
    }
    if (api.closing) {
      send(res, 503, errorBody(new StoppedError("the server is shutting down")), {
        connection: "close",
      });
      return;
    }
    let worker: string;
    try {
      worker = decodeURIComponent(match[2]!);
    } catch {
      send(res, 400, {
        error: { name: "HttpError", code: "ERR_BAD_REQUEST", message: "malformed worker name" },
      });
      return;
    }
    inFlight++;
    call(match[1] as "command" | "request", worker, req, res)
      .catch((error: unknown) => {
        if (res.headersSent) res.destroy();
        else send(res, statusOf(error), errorBody(error));
      })
      .finally(() => {
        if (--inFlight === 0) {
          const done = waiters;
          waiters = [];
          for (const resolve of done) resolve();
        }
      });
  }) as WorkersApi;
  api.closing = false;
  api.idle = () =>
    inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve));
  return api;
}
