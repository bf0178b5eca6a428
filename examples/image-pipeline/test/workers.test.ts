// The thread worker functions, called directly (as a thread would) with a stand-in ctx.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ImageServer, startImageServer } from "../src/image-server.js";
import { generateTestImages, type TestImage } from "../src/test-images.js";
import {
  commands,
  imageDownload,
  imageResize,
  imageStore,
  THUMBNAIL_SIDE,
} from "../src/workers.js";

function fakeCtx() {
  const puts: { channel: string; value: any }[] = [];
  const channel = (name: string) => ({
    put: async (value: unknown) => {
      puts.push({ channel: name, value });
      return true;
    },
    offer: async (value: unknown) => {
      puts.push({ channel: name, value });
      return true;
    },
  });
  const ctx = {
    worker: { name: "test" },
    headers: {},
    signal: new AbortController().signal,
    channels: {
      "images/resize": channel("images/resize"),
      "images/store": channel("images/store"),
    },
  };
  return { ctx, puts };
}

let dir: string;
let images: TestImage[];
let server: ImageServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pipeline-workers-"));
  images = await generateTestImages(join(dir, "src"), { count: 4, seed: 7, sides: [200, 400] });
  server = await startImageServer(join(dir, "src"));
});

afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe("worker functions", () => {
  it("commands answers ping and throws on an unknown command", () => {
    expect(commands(fakeCtx().ctx, { cmd: "ping" })).toMatchObject({ pong: true });
    expect(() => commands(fakeCtx().ctx, { cmd: "nope" })).toThrow(/unknown command/);
  });

  it("download -> resize -> store writes a thumbnail that fits the box with the source's aspect", async () => {
    const image = images[0]!;
    const url = server.imageUrls[0]!;
    const outDir = join(dir, "out");
    const d = fakeCtx();
    const downloaded = await imageDownload(d.ctx, { jobId: "j1", url, outDir });
    expect(downloaded).toMatchObject({ jobId: "j1", bytes: image.bytes, name: "img-0001" });
    expect(d.puts).toHaveLength(1);
    expect(d.puts[0]!.channel).toBe("images/resize");

    const r = fakeCtx();
    const resized = await imageResize(r.ctx, d.puts[0]!.value);
    expect(Math.max(resized.width, resized.height)).toBe(THUMBNAIL_SIDE);
    expect(r.puts[0]!.channel).toBe("images/store");
    expect(r.puts[0]!.value.source).toMatchObject({ width: image.width, height: image.height });

    const stored = await imageStore(fakeCtx().ctx, r.puts[0]!.value);
    expect(stored.file).toBe(join(outDir, "img-0001.jpg"));
    const meta = await sharp(await readFile(stored.file)).metadata();
    expect(meta.format).toBe("jpeg");
    expect([meta.width, meta.height]).toEqual([resized.width, resized.height]);
    expect(meta.width! / meta.height!).toBeCloseTo(image.width / image.height, 1);
  });

  it("download fails with the HTTP status for a missing image", async () => {
    await expect(
      imageDownload(fakeCtx().ctx, {
        jobId: "j2",
        url: `${server.url}/images/missing.png`,
        outDir: dir,
      }),
    ).rejects.toMatchObject({ code: "ERR_DOWNLOAD", status: 404 });
  });

  it("resize rejects bytes that are not an image", async () => {
    await expect(
      imageResize(fakeCtx().ctx, {
        jobId: "j3",
        url: "http://x/y",
        outDir: dir,
        name: "y",
        bytes: new TextEncoder().encode("not an image"),
      }),
    ).rejects.toThrow();
  });
});

describe("test images", () => {
  it("are PNG and JPEG files of the announced sizes, the same for the same seed", async () => {
    for (const image of images) {
      const meta = await sharp(join(dir, "src", image.name)).metadata();
      expect(meta.format).toBe(image.format);
      expect([meta.width, meta.height]).toEqual([image.width, image.height]);
    }
    const again = await generateTestImages(join(dir, "again"), {
      count: 4,
      seed: 7,
      sides: [200, 400],
    });
    expect(again).toEqual(images);
  });

  it("the image server lists them and answers 404 for anything else", async () => {
    const list = (await (await fetch(`${server.url}/images`)).json()) as { images: string[] };
    expect(list.images).toEqual(server.imageUrls);
    const res = await fetch(server.imageUrls[1]!);
    expect(res.headers.get("content-type")).toMatch(/^image\//);
    expect((await res.arrayBuffer()).byteLength).toBe(images[1]!.bytes);
    expect((await fetch(`${server.url}/images/../package.json`)).status).toBe(404);
    expect((await fetch(`${server.url}/other`)).status).toBe(404);
  });
});
