import type { Components, Instrumentation, Observability, WorkersSystem } from "@workers/runtime";
import { expectTypeOf, it } from "vitest";
import { type OtelObservability, otelObservability } from "../src/index.js";
import type { ObservedSystem } from "../src/types.js";

it("is an observability component the runtime accepts", () => {
  expectTypeOf<OtelObservability>().toExtend<Observability>();
  expectTypeOf<OtelObservability>().toExtend<Required<Instrumentation>>();
  expectTypeOf({ obs: otelObservability() }).toExtend<Components>();
});

it("reads what a running system offers", () => {
  expectTypeOf<WorkersSystem>().toExtend<ObservedSystem>();
});
