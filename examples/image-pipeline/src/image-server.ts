// The local static image server `image-download` fetches from: serves the files of one
// directory on a loopback port, so the example needs no network.
import { createReadStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { createServer } from "node:http";
import { extname, join } from "node:path";
import { close, listen, sendJson } from "./http-util.js";

const TYPES: Record<string, string> = {
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".webp": "image/webp",
  ".gif": "image/gif",
};

/** A running image server. */
export interface ImageServer {
  /** Base URL, e.g. `http://127.0.0.1:41234`; images are at `${url}/images/<name>`. */
  readonly url: string;
  /** The URL of every image in the directory, sorted by name. */
  readonly imageUrls: readonly string[];
  close(): Promise<void>;
}

/** Options of {@link startImageServer}. */
export interface ImageServerOptions {
  /** @default 0 (an ephemeral port) */
  readonly port?: number;
  /** @default "127.0.0.1" */
  readonly host?: string;
}

/**
 * Serves `GET /images/<name>` from `dir` (images only, no subdirectories) and `GET /images`
 * as a JSON list of URLs.
 */
export async function startImageServer(
  dir: string,
  options: ImageServerOptions = {},
): Promise<ImageServer> {
  const names = (await readdir(dir)).filter((n) => TYPES[extname(n).toLowerCase()]).sort();
  const known = new Set(names);
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (req.method !== "GET" && req.method !== "HEAD") {
      sendJson(res, 405, { error: { code: "ERR_METHOD", message: "GET only" } });
      return;
    }
    if (path === "/images" || path === "/images/") {
      sendJson(res, 200, { images: imageUrls });
      return;
    }
    const name = path.startsWith("/images/") ? decodeURIComponent(path.slice(8)) : "";
    if (!known.has(name)) {
      sendJson(res, 404, { error: { code: "ERR_NOT_FOUND", message: `no image ${path}` } });
      return;
    }
    const file = join(dir, name);
    stat(file).then(
      (st) => {
        res.writeHead(200, {
          "content-type": TYPES[extname(name).toLowerCase()] ?? "application/octet-stream",
          "content-length": st.size,
          "cache-control": "public, max-age=3600",
        });
        if (req.method === "HEAD") res.end();
        else createReadStream(file).pipe(res);
      },
      () => sendJson(res, 404, { error: { code: "ERR_NOT_FOUND", message: `no image ${path}` } }),
    );
  });
  const url = await listen(server, options.port ?? 0, options.host ?? "127.0.0.1");
  const imageUrls = names.map((n) => `${url}/images/${encodeURIComponent(n)}`);
  return { url, imageUrls, close: () => close(server) };
}
