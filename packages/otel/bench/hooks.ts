// The component's own cost: one put (inject) and one processing (around), called directly.
import type { Headers, ProcessInfo } from "@workers/runtime";
import { otelObservability } from "../src/index.js";
import type { OtelObservability } from "../src/types.js";

const info: ProcessInfo = {
  workerId: "resize",
  channel: "images/in",
  dispatch: "go",
  messageId: "m",
};
const done = (): Promise<number> => Promise.resolve(1);

export function hookRound(obs: OtelObservability | undefined): (n: number) => Promise<void> {
  return async (n) => {
    for (let i = 0; i < n; i++) {
      // Let timers run now and then (the batch span processor exports from a timer), as a
      // service's event loop would.
      if ((i & 255) === 255) await new Promise<void>((resolve) => setImmediate(resolve));
      const headers: Headers = {};
      if (obs === undefined) {
        await done();
        continue;
      }
      obs.inject(headers, { channel: "images/in" });
      await obs.around(info, headers, done);
    }
  };
}

export { otelObservability };
