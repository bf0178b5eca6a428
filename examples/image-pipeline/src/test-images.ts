// Generates the test images the local image server hands out: PNG and JPEG of varied sizes and
// colours, drawn from SVG with sharp. Deterministic for a given seed, no network.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";

/** One generated image, as the image server lists it. */
export interface TestImage {
  readonly name: string;
  readonly width: number;
  readonly height: number;
  readonly format: "png" | "jpeg";
  readonly bytes: number;
}

/** Options of {@link generateTestImages}. */
export interface GenerateOptions {
  /** How many images. */
  readonly count: number;
  /** Seed of the sizes, colours and shapes. @default 1 */
  readonly seed?: number;
  /** Smallest and largest side in pixels. @default [80, 960] */
  readonly sides?: readonly [number, number];
  /** Images encoded at once (sharp runs them on libuv's pool). @default 4 */
  readonly parallel?: number;
}

// mulberry32: a small, fast, seedable PRNG; good enough for test pictures.
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function svgFor(width: number, height: number, rnd: () => number): string {
  const hue = Math.floor(rnd() * 360);
  const hue2 = (hue + 60 + Math.floor(rnd() * 180)) % 360;
  const shapes: string[] = [];
  const n = 3 + Math.floor(rnd() * 6);
  for (let i = 0; i < n; i++) {
    const h = Math.floor(rnd() * 360);
    const x = Math.floor(rnd() * width);
    const y = Math.floor(rnd() * height);
    const r = Math.max(4, Math.floor(rnd() * Math.min(width, height) * 0.4));
    shapes.push(
      rnd() < 0.5
        ? `<circle cx="${x}" cy="${y}" r="${r}" fill="hsl(${h},80%,55%)" fill-opacity="0.8"/>`
        : `<rect x="${x - r}" y="${y - r}" width="${r * 2}" height="${r}" fill="hsl(${h},70%,45%)" fill-opacity="0.8" transform="rotate(${Math.floor(rnd() * 90)} ${x} ${y})"/>`,
    );
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
<stop offset="0" stop-color="hsl(${hue},75%,60%)"/><stop offset="1" stop-color="hsl(${hue2},65%,30%)"/>
</linearGradient></defs>
<rect width="100%" height="100%" fill="url(#g)"/>${shapes.join("")}</svg>`;
}

/**
 * Writes `count` images into `dir` (`img-0001.png`, `img-0002.jpg`, ...) and returns what it wrote.
 * The same seed gives the same images.
 */
export async function generateTestImages(
  dir: string,
  options: GenerateOptions,
): Promise<TestImage[]> {
  const { count, seed = 1, sides = [80, 960], parallel = 4 } = options;
  const rnd = random(seed);
  const [min, max] = sides;
  const plan = Array.from({ length: count }, (_, i) => {
    const width = min + Math.floor(rnd() * (max - min));
    // Aspect ratios from 1:2 to 2:1.
    const height = Math.max(min, Math.round(width * (0.5 + rnd() * 1.5)));
    const format: TestImage["format"] = rnd() < 0.5 ? "png" : "jpeg";
    const name = `img-${String(i + 1).padStart(4, "0")}.${format === "png" ? "png" : "jpg"}`;
    return { name, width, height, format, svg: svgFor(width, height, rnd) };
  });
  await mkdir(dir, { recursive: true });
  const images: TestImage[] = new Array(count);
  let next = 0;
  const encodeNext = async (): Promise<void> => {
    while (next < plan.length) {
      const i = next++;
      const p = plan[i]!;
      const image = sharp(Buffer.from(p.svg));
      const data = await (p.format === "png"
        ? image.png({ compressionLevel: 2 })
        : image.jpeg({ quality: 82 })
      ).toBuffer();
      await writeFile(join(dir, p.name), data);
      images[i] = {
        name: p.name,
        width: p.width,
        height: p.height,
        format: p.format,
        bytes: data.length,
      };
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, parallel) }, encodeNext));
  return images;
}
