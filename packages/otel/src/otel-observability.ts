import { diag } from "@opentelemetry/api";
import type {
  CustomEvent,
  Headers,
  InjectInfo,
  ProcessInfo,
  WorkersEvent,
  WorkersSystem,
} from "@workers/runtime";
import { validateOptions } from "./internal/options.js";
import { Telemetry } from "./internal/telemetry.js";
import type { OtelObservability, OtelObservabilityOptions } from "./types.js";

export { INSTRUMENTATION_SCOPE } from "./internal/telemetry.js";

/**
 * Creates the OpenTelemetry component for `@workers/runtime`: pass it as `components.obs`.
 *
 * Every put (`command`, `request`, `ctx.channels[...]`, output offers) becomes a PRODUCER span
 * `send <channel>` whose W3C context travels in the envelope headers; every processing becomes
 * a CONSUMER span `process <channel>`, its child (or linked, with `linkInsteadOfParent`), also
 * across `thread` dispatch. Drops become short `drop <channel>` spans; failures set the process
 * span's status to ERROR with `error.type`. Metrics follow the messaging conventions.
 *
 * It uses `@opentelemetry/api` only: with no provider registered (and none given) it records
 * nothing and costs little. A hook never throws into the runtime; OTel failures go to `diag`.
 *
 * @throws OtelOptionsError (`ERR_OTEL_OPTIONS`) when an option has the wrong type.
 * @example
 * ```ts
 * const system = await startWorkers(definition, { obs: otelObservability() });
 * ```
 */
export function otelObservability(options: OtelObservabilityOptions = {}): OtelObservability {
  validateOptions(options);
  const t = new Telemetry(options);
  // Plain functions (no `this`), each keeping OTel failures away from the runtime.
  return {
    emit(event: WorkersEvent | CustomEvent): void {
      try {
        t.emit(event);
      } catch (error) {
        diag.error("@workers/otel: emit failed", error);
      }
    },
    inject(headers: Headers, info: InjectInfo): void {
      try {
        t.inject(headers, info);
      } catch (error) {
        diag.error("@workers/otel: inject failed", error);
      }
    },
    around: <T>(info: ProcessInfo, headers: Readonly<Headers>, run: () => Promise<T>): Promise<T> =>
      t.around(info, headers, run),
    attach(system: WorkersSystem<any>): void {
      try {
        t.attach(system);
      } catch (error) {
        diag.error("@workers/otel: attach failed", error);
      }
    },
  };
}
