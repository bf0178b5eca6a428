// otel-thread.ts: the `threads.setup` module. It runs once in every worker thread, which has
// OpenTelemetry globals of its own: start an SDK there too, export `around` so each task runs
// in its process span's context, and `shutdown` so `stop()` flushes the thread's spans (the
// SDK batches them) before the thread ends.
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { NodeSDK } from "@opentelemetry/sdk-node";

new NodeSDK({ serviceName: "image-service", traceExporter: new OTLPTraceExporter() }).start();

export { around, shutdown } from "@workers/otel/thread";
