// The image-pipeline example.
//   tsx src/main.ts --demo [--count 300] [--clients 8] [--out ./out]
//   tsx src/main.ts [--port 3000] [--count 50] [--out ./out]   (serve until Ctrl-C)
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type MainArgs, parseMainArgs, USAGE } from "./args.js";
import { runDemo, summary } from "./demo.js";
import { startImageServer } from "./image-server.js";
import { startService } from "./service.js";
import { startTelemetry } from "./telemetry.js";
import { generateTestImages } from "./test-images.js";

function positive(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--${name}: expected a positive integer, got ${value}\n${USAGE}`);
    process.exit(2);
  }
  return n;
}

let values: MainArgs;
try {
  values = parseMainArgs(process.argv.slice(2));
} catch (error) {
  console.error(`${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const telemetry = await startTelemetry();
if (telemetry) {
  console.log(`OpenTelemetry: exporting to ${process.env.OTEL_EXPORTER_OTLP_ENDPOINT}`);
}
const observability = telemetry ? { observability: telemetry.observability } : {};

if (values.demo) {
  const result = await runDemo({
    count: positive("count", values.count ?? "300"),
    clients: positive("clients", values.clients),
    outDir: values.out,
    ...observability,
  });
  for (const line of summary(result)) console.log(line);
  await telemetry?.shutdown();
  const errors = Object.values(result.stats.errors ?? {}).reduce((a, b) => a + b, 0);
  process.exitCode = result.thumbnails > 0 && result.failed === 0 && errors === 0 ? 0 : 1;
} else {
  const imagesDir = join(tmpdir(), `workers-image-pipeline-${process.pid}`);
  await generateTestImages(imagesDir, { count: positive("count", values.count ?? "50") });
  const images = await startImageServer(imagesDir);
  const service = await startService({
    outDir: values.out,
    port: values.port === "0" ? 0 : positive("port", values.port),
    ...observability,
  });
  console.log(`image-pipeline listening on ${service.url}; test images at ${images.url}/images
  dashboard: ${service.dashboardUrl}
  curl -s -XPOST ${service.url}/images -H 'content-type: application/json' -d '{"url":"${images.imageUrls[0]}"}'
  curl -s -XPOST '${service.url}/images?wait=1' -H 'content-type: application/json' -d '{"url":"${images.imageUrls[1]}"}'
  curl -s ${service.url}/stats
Ctrl-C stops it gracefully (the pipeline drains first).`);
  const stop = async (): Promise<void> => {
    console.log("stopping: draining the pipeline...");
    await service.close();
    await images.close();
    await rm(imagesDir, { recursive: true, force: true });
    await telemetry?.shutdown();
    console.log(`stopped; thumbnails in ${service.outDir}`);
  };
  process.once("SIGINT", () => void stop());
  process.once("SIGTERM", () => void stop());
}
