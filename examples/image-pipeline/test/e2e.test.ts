// The pipeline end to end, as the demo runs it but smaller: generated images, the local image
// server, the workers system on its thread pool, submissions through the HTTP entry point.
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { definition } from "../src/definition.js";
import { runDemo, summary } from "../src/demo.js";
import { type ImageServer, startImageServer } from "../src/image-server.js";
import type { StoredImage } from "../src/jobs.js";
import { type Service, startService } from "../src/service.js";
import { generateTestImages } from "../src/test-images.js";
import { THUMBNAIL_SIDE } from "../src/workers.js";

// The runtime runs from source here (`.ts`): its threads need the tsx hooks and the condition.
const threads = {
  max: 2,
  execArgv: [
    "--import",
    new URL("./register-tsx.mjs", import.meta.url).href,
    "--conditions=@workers/source",
  ],
};

const total = (o: Readonly<Record<string, number>> | undefined): number =>
  Object.values(o ?? {}).reduce((a, b) => a + b, 0);

async function expectThumbnailOf(result: StoredImage): Promise<void> {
  const meta = await sharp(result.file).metadata();
  expect(meta.format).toBe("jpeg");
  expect([meta.width, meta.height]).toEqual([result.width, result.height]);
  const { width, height } = result.source;
  // Fits the box, keeps the aspect ratio, never enlarges.
  expect(Math.max(meta.width!, meta.height!)).toBe(
    Math.min(THUMBNAIL_SIDE, Math.max(width, height)),
  );
  expect(Math.abs(meta.width! / meta.height! - width / height)).toBeLessThan(
    2 / Math.min(meta.width!, meta.height!),
  );
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pipeline-e2e-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("the demo, on 20 images", () => {
  it("stores a correct thumbnail for every image, with no errors", async () => {
    let text = "";
    const out = new Writable({
      write(chunk, _enc, cb) {
        text += String(chunk);
        cb();
      },
    });
    const outDir = join(dir, "demo-out");
    let page = "";
    const result = await runDemo({
      count: 20,
      clients: 6,
      outDir,
      out,
      tty: false,
      threads,
      // While the demo runs, its dashboard is served next to the API.
      onReady: async ({ dashboard }) => {
        page = await (await fetch(dashboard)).text();
      },
    });
    expect(text).toMatch(/^Dashboard http:\/\/127\.0\.0\.1:\d+\/dashboard\/ /m);
    for (const name of [...Object.keys(definition.channels), ...Object.keys(definition.workers)]) {
      const id = name in definition.channels ? `channel:${name}` : `worker:${name}`;
      expect(page).toContain(`data-node="${id}"`);
    }

    expect(result.failed).toBe(0);
    expect(result.stored).toBe(20);
    expect(result.thumbnails).toBe(20);
    expect((await readdir(outDir)).sort()).toEqual(
      result.results.map((r) => r.file.slice(outDir.length + 1)).sort(),
    );
    await Promise.all(result.results.map(expectThumbnailOf));

    expect(total(result.stats.errors)).toBe(0);
    const workers = result.stats.workers ?? {};
    expect(workers["image-store"]?.processed).toBe(20);
    expect(workers.commands?.processed).toBe(1);
    // Every shed submission was a drop at images/in, and was sent again.
    expect(total(result.stats.drops)).toBe(result.retried);
    expect(text).toMatch(/20\/20 done/);
    expect(summary(result).join("\n")).toMatch(/Done: 20 images -> 20 stored, 20 thumbnails/);
  });
});

describe("the service's HTTP entry point", () => {
  let images: ImageServer;
  let service: Service;

  beforeAll(async () => {
    await generateTestImages(join(dir, "images"), { count: 3, seed: 3 });
    images = await startImageServer(join(dir, "images"));
    service = await startService({ outDir: join(dir, "api-out"), threads });
  });
  afterAll(async () => {
    await service?.close();
    await images?.close();
  });

  const post = (path: string, body: unknown) =>
    fetch(`${service.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  it("POST /images?wait=1 answers with the stored file", async () => {
    const res = await post("/images?wait=1", { url: images.imageUrls[0] });
    expect(res.status).toBe(201);
    const stored = (await res.json()) as StoredImage;
    expect(stored.file).toBe(join(service.outDir, "img-0001.jpg"));
    await expectThumbnailOf(stored);
  });

  it("POST /images accepts at once; GET /images/:jobId shows the job stored later", async () => {
    const res = await post("/images", { url: images.imageUrls[1] });
    expect(res.status).toBe(202);
    const { jobId, status } = (await res.json()) as { jobId: string; status: string };
    await service.jobs.wait(jobId, 10_000);
    const job = await (await fetch(`${service.url}${status}`)).json();
    expect(job).toMatchObject({ jobId, state: "stored", result: { url: images.imageUrls[1] } });
  });

  it("a missing image fails in image-download: 502, an event on workers/errors, counted in stats", async () => {
    const res = await post("/images?wait=1", { url: `${images.url}/images/missing.png` });
    expect(res.status).toBe(502);
    const body = (await res.json()) as { jobId: string; error: { code: string } };
    expect(body.error.code).toBe("ERR_DOWNLOAD");
    // The workers/errors consumer marks the job failed when the seed's error event arrives.
    await expect(service.jobs.wait(body.jobId, 10_000)).rejects.toMatchObject({
      code: "ERR_JOB_FAILED",
    });
    expect(service.failures).toEqual([
      expect.objectContaining({
        workerId: "image-download",
        message: expect.stringMatching(/404/),
      }),
    ]);
    const stats = (await (await fetch(`${service.url}/stats`)).json()) as {
      errors: Record<string, number>;
      workers: Record<string, { processed: number; errors: number }>;
    };
    expect(stats.errors["image-download"]).toBe(1);
    expect(stats.workers["image-download"]).toMatchObject({ processed: 2, errors: 1 });
    expect(stats.workers["image-store"]?.processed).toBe(2);
  });

  it("POST /commands reaches the commands worker; an unknown command ends on workers/errors", async () => {
    expect((await post("/commands", { cmd: "ping" })).status).toBe(202);
    expect((await post("/commands", { cmd: "reboot" })).status).toBe(202);
    await service.close();
    expect(service.system.stats().workers.commands).toMatchObject({ processed: 1, errors: 1 });
    expect(service.failures.at(-1)).toMatchObject({
      workerId: "commands",
      message: 'unknown command: "reboot"',
    });
  });
});
