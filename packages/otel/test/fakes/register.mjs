// Preloaded (--import) in a child process and its worker threads to run examples/main.ts:
// tsx for TypeScript, and the SDK packages the examples import mapped to these stand-ins.
import { register } from "node:module";
import { register as registerTsx } from "tsx/esm/api";

registerTsx();

const fakes = {
  "@opentelemetry/sdk-node": new URL("./sdk-node.ts", import.meta.url).href,
  "@opentelemetry/exporter-trace-otlp-http": new URL(
    "./exporter-trace-otlp-http.ts",
    import.meta.url,
  ).href,
  "@opentelemetry/exporter-metrics-otlp-http": new URL(
    "./exporter-metrics-otlp-http.ts",
    import.meta.url,
  ).href,
};
const hooks = `
const fakes = ${JSON.stringify(fakes)};
export async function resolve(specifier, context, next) {
  const url = fakes[specifier];
  return next(url ?? specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
