import { OtelOptionsError } from "../errors.js";
import type { OtelObservabilityOptions } from "../types.js";

/** Checks the option types once, naming the option at fault (`ERR_OTEL_OPTIONS`). */
export function validateOptions(options: OtelObservabilityOptions): void {
  if (typeof options !== "object" || options === null) {
    throw new OtelOptionsError("options", "an object", options);
  }
  const { tracerProvider, meterProvider, propagator, linkInsteadOfParent } = options;
  if (tracerProvider !== undefined && typeof tracerProvider?.getTracer !== "function") {
    throw new OtelOptionsError("tracerProvider", "a TracerProvider (getTracer)", tracerProvider);
  }
  if (meterProvider !== undefined && typeof meterProvider?.getMeter !== "function") {
    throw new OtelOptionsError("meterProvider", "a MeterProvider (getMeter)", meterProvider);
  }
  if (
    propagator !== undefined &&
    (typeof propagator?.inject !== "function" || typeof propagator.extract !== "function")
  ) {
    throw new OtelOptionsError("propagator", "a TextMapPropagator (inject, extract)", propagator);
  }
  if (linkInsteadOfParent !== undefined && typeof linkInsteadOfParent !== "boolean") {
    throw new OtelOptionsError("linkInsteadOfParent", "a boolean", linkInsteadOfParent);
  }
}
