// The pipeline's worker functions. They run on the system's thread pool (`dispatch: "thread"`),
// loaded by module reference, so this file is plain JavaScript and imports nothing from the
// runtime: a thread gets `ctx = { worker, headers, signal, channels }`, where
// `channels[name].put(v)` travels back to the main thread and resolves once the channel took it
// (backpressure reaches the thread).
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";

// One libvips thread per worker thread: the pool already gives us parallelism.
sharp.concurrency(1);
sharp.cache(false);

/** Longest side of a thumbnail, in pixels. */
export const THUMBNAIL_SIDE = 160;

/** Largest image the pipeline downloads, in bytes. */
export const MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;

/**
 * @typedef {{ put(value: unknown): Promise<boolean>, offer(value: unknown): Promise<boolean> }} ThreadChannel
 * @typedef {{ worker: { name: string }, headers: Record<string, string>, signal: AbortSignal,
 *   channels: Record<"images/resize" | "images/store", ThreadChannel> }} ThreadContext
 * @typedef {{ jobId: string, url: string, outDir: string }} DownloadJob
 * @typedef {{ width: number, height: number, format: string, bytes: number }} SourceInfo
 */

/**
 * `commands`: small control messages (`{ cmd: "ping" }`). An unknown command throws, so it
 * ends on `workers/errors` as the seed's error event.
 * @param {ThreadContext} _ctx
 * @param {{ cmd: string }} msg
 */
export function commands(_ctx, msg) {
  switch (msg?.cmd) {
    case "ping":
      return { pong: true, at: Date.now() };
    default:
      throw new Error(`unknown command: ${JSON.stringify(msg?.cmd)}`);
  }
}

/**
 * `image-download`: fetches the image and hands its bytes to `images/resize`.
 * @param {ThreadContext} ctx
 * @param {DownloadJob} msg
 */
export async function imageDownload(ctx, msg) {
  const res = await fetch(msg.url, { signal: ctx.signal });
  if (!res.ok) {
    throw Object.assign(new Error(`GET ${msg.url} answered ${res.status}`), {
      code: "ERR_DOWNLOAD",
      status: res.status,
    });
  }
  const length = Number(res.headers.get("content-length") ?? 0);
  if (length > MAX_DOWNLOAD_BYTES) {
    throw Object.assign(new Error(`${msg.url} is ${length} bytes, over the limit`), {
      code: "ERR_TOO_LARGE",
    });
  }
  const bytes = new Uint8Array(await res.arrayBuffer());
  const name = fileNameOf(msg.url, msg.jobId);
  // `put` waits while images/resize is full: a slow resize slows downloads, not memory.
  await ctx.channels["images/resize"].put({ ...msg, name, bytes });
  return { jobId: msg.jobId, url: msg.url, name, bytes: bytes.length };
}

/**
 * `image-resize`: decodes, fits into THUMBNAIL_SIDE x THUMBNAIL_SIDE and encodes as JPEG.
 * @param {ThreadContext} ctx
 * @param {DownloadJob & { name: string, bytes: Uint8Array }} msg
 */
export async function imageResize(ctx, msg) {
  const image = sharp(msg.bytes, { failOn: "error" });
  const meta = await image.metadata();
  const { data, info } = await image
    .rotate()
    .resize({
      width: THUMBNAIL_SIDE,
      height: THUMBNAIL_SIDE,
      fit: "inside",
      withoutEnlargement: true,
    })
    .flatten({ background: "#ffffff" })
    .jpeg({ quality: 80, mozjpeg: true })
    .toBuffer({ resolveWithObject: true });
  /** @type {SourceInfo} */
  const source = {
    width: meta.width ?? 0,
    height: meta.height ?? 0,
    format: meta.format ?? "unknown",
    bytes: msg.bytes.length,
  };
  await ctx.channels["images/store"].put({
    jobId: msg.jobId,
    url: msg.url,
    outDir: msg.outDir,
    name: msg.name,
    thumbnail: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    width: info.width,
    height: info.height,
    source,
  });
  return { jobId: msg.jobId, width: info.width, height: info.height };
}

/**
 * `image-store`: writes the thumbnail to `outDir`; its result goes to `images/out`.
 * @param {ThreadContext} _ctx
 * @param {{ jobId: string, url: string, outDir: string, name: string, thumbnail: Uint8Array,
 *   width: number, height: number, source: SourceInfo }} msg
 */
export async function imageStore(_ctx, msg) {
  await mkdir(msg.outDir, { recursive: true });
  const file = join(msg.outDir, `${msg.name}.jpg`);
  await writeFile(file, msg.thumbnail);
  return {
    jobId: msg.jobId,
    url: msg.url,
    file,
    width: msg.width,
    height: msg.height,
    bytes: msg.thumbnail.length,
    source: msg.source,
    storedAt: Date.now(),
  };
}

/**
 * A safe file name from the URL's last path segment, without its extension.
 * @param {string} url
 * @param {string} fallback
 */
function fileNameOf(url, fallback) {
  const last = new URL(url).pathname.split("/").pop() ?? "";
  const base = last.replace(/\.[^.]*$/, "").replace(/[^A-Za-z0-9._-]/g, "_");
  return base.length > 0 ? base : fallback;
}
