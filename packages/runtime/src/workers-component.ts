import type { NormalizedDefinition, WorkersDefinitionInput } from "@workers/config";
import { StartError, StoppedError } from "./errors.js";
import { startWorkers } from "./start-workers.js";
import type { Components, StartOptions, StopOptions, WorkersSystem } from "./types.js";

/** Options of `workersComponent`: the seed's `:d-core.core.workers/system` keys. */
export interface WorkersComponentOptions<D> extends StartOptions {
  /** Required; `start` fails without it. */
  readonly definition?: D | undefined;
  /** Used by `stop()` (and `Symbol.asyncDispose`). @default {} (`stop`'s defaults) */
  readonly stop?: StopOptions;
}

/** A lifecycle component owning one system. */
export interface WorkersComponent<D> {
  /** Starts the system with `components`. */
  start(components?: Components): Promise<WorkersSystem<D>>;
  /** Stops it (waits for a start in progress, which then fails with `StoppedError`). Idempotent. */
  stop(): Promise<void>;
  /** The running system, if any. */
  readonly system: WorkersSystem<D> | undefined;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * The seed's Integrant key as a lifecycle component: any container that calls
 * `start(components)` / `stop()` (or `await using`) can own a system.
 *
 * @throws StartError (`ERR_START`) from `start` without a definition or when already started;
 * StoppedError (`ERR_STOPPED`) from a `start` that `stop` interrupted
 * @example
 * ```ts
 * const component = workersComponent({ definition, devGuard: true, guardMs: 50 });
 * const system = await component.start({ obs: console });
 * await component.stop();
 * ```
 */
export function workersComponent<const D extends WorkersDefinitionInput | NormalizedDefinition>(
  options: WorkersComponentOptions<D>,
): WorkersComponent<D> {
  let system: WorkersSystem<D> | undefined;
  let starting: Promise<WorkersSystem<D>> | undefined;
  let stopRequested = false;

  const stop = async (): Promise<void> => {
    stopRequested = true;
    if (starting !== undefined) await starting.catch(() => {});
    const current = system;
    system = undefined;
    if (current !== undefined) await current.stop(options.stop);
  };

  return {
    get system() {
      return system;
    },
    start(components: Components = {}): Promise<WorkersSystem<D>> {
      const { definition } = options;
      if (definition === undefined || definition === null) {
        return Promise.reject(
          new StartError(
            "workersComponent needs a definition: workersComponent({ definition, ... })",
          ),
        );
      }
      if (starting !== undefined || system !== undefined) {
        return Promise.reject(new StartError("The workers component is already started"));
      }
      stopRequested = false;
      const run = async (): Promise<WorkersSystem<D>> => {
        const started = await startWorkers(definition, components, options);
        if (stopRequested) {
          await started.stop(options.stop);
          throw new StoppedError("The workers component was stopped while it was starting");
        }
        system = started;
        return started;
      };
      starting = run().finally(() => {
        starting = undefined;
      });
      return starting;
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
