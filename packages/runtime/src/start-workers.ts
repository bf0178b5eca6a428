import {
  hasNormalizedShape,
  isNormalizedDefinition,
  type NormalizedDefinition,
  parseDefinition,
  type WorkersDefinitionInput,
} from "@workers/config";
import { InvalidArgumentError } from "./errors.js";
import { optionsObject } from "./system/arguments.js";
import { createSystem } from "./system/system.js";
import type { Components, StartOptions, WorkersSystem } from "./types.js";

/**
 * Starts a workers system: validates the definition (unless it is already normalized), creates
 * the channels, loads thread workers' modules, starts every worker loop and ticker, then calls
 * the observability component's `attach` and emits `workers.start`. All-or-nothing: when any
 * step fails, what had started is stopped and the error is rethrown.
 *
 * @param definition A definition (`defineWorkers`, a plain object, a parsed JSON/YAML file) or
 * the result of `parseDefinition` / `loadDefinition`.
 * @param components Passed to workers as `ctx.components`; `observability`, `obs` or `logger`
 * is the emitter (and may carry the `inject`/`around`/`attach` hooks).
 * @throws ConfigError (`ERR_CONFIG`) for a definition that does not validate; a thread module's
 * load error.
 * @example
 * ```ts
 * const system = await startWorkers(
 *   defineWorkers({
 *     channels: { "jobs/in": { buffer: 8 } },
 *     workers: { jobs: { kind: "command", in: "jobs/in", workerFn: (_ctx, n: number) => n * 2, expose: true } },
 *   }),
 * );
 * await system.request("jobs", 21); // 42
 * await system.stop();
 * ```
 */
export async function startWorkers<const D extends WorkersDefinitionInput | NormalizedDefinition>(
  definition: D,
  components: Components = {},
  options: StartOptions = {},
): Promise<WorkersSystem<D>> {
  const input: unknown = definition;
  const o = optionsObject<StartOptions>("startWorkers options", options) ?? {};
  optionsObject("startWorkers options.threads", o.threads);
  if (components === null || typeof components !== "object") {
    throw new InvalidArgumentError("startWorkers components", "an object", components);
  }
  const normalized: NormalizedDefinition = isAlreadyNormalized(input)
    ? input
    : await parseDefinition(
        definition,
        o.baseUrl === undefined ? undefined : { baseUrl: o.baseUrl },
      );
  return (await createSystem(normalized, components, o)) as WorkersSystem<D>;
}

/** A definition that throws when read (a revoked proxy) is not; validation reports it. */
function isAlreadyNormalized(input: unknown): input is NormalizedDefinition {
  try {
    return isNormalizedDefinition(input) || hasNormalizedShape(input);
  } catch {
    return false;
  }
}
