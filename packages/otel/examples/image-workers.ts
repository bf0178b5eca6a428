// image-workers.ts: thread workers, loaded in the pool by module reference.
import { trace } from "@opentelemetry/api";

interface ThreadCtx {
  readonly channels: Record<string, { put(value: unknown): Promise<boolean> }>;
}

const tracer = trace.getTracer("image-service");

/** CPU-heavy work on a thread; its span nests under the `process images/resize` span. */
export async function resize(ctx: ThreadCtx, job: { url: string; width: number }): Promise<void> {
  const thumbnail = await tracer.startActiveSpan("resize", async (span) => {
    span.setAttribute("image.width", job.width);
    const out = { url: job.url, width: job.width, bytes: job.width * 3 };
    span.end();
    return out;
  });
  await ctx.channels["images/store"]?.put(thumbnail);
}
