import type { WorkersDefinitionInput } from "./types.js";

/**
 * Declares a definition in TypeScript. Returns it unchanged, keeping its literal types so the
 * runtime can check worker names and message types (`ExposedWorkerName`, `MessageOf`, ...).
 *
 * @example
 * export const definition = defineWorkers({
 *   channels: { "jobs/in": { buffer: 8 } },
 *   workers: { jobs: { kind: "command", in: "jobs/in", workerFn: (_ctx, job: Job) => run(job), expose: true } },
 * });
 */
export function defineWorkers<const D extends WorkersDefinitionInput>(definition: D): D {
  return definition;
}
