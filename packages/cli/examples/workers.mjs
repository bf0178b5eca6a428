// The worker functions that workers.yaml references ("./workers.mjs#resize").
export function resize(_ctx, job) {
  if (!(job.width > 0)) {
    throw Object.assign(new RangeError(`width must be > 0, got ${job.width}`), {
      code: "ERR_WIDTH",
    });
  }
  return { url: job.url, width: job.width, height: Math.round(job.width * 0.75) };
}

export function store() {}

export function logError() {}
