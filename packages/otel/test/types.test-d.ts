import type { Components, Instrumentation, Observability, ProcessInfo } from "@workers/runtime";
import { expectTypeOf, it } from "vitest";
import { type OtelObservability, otelObservability } from "../src/index.js";
import type { ThreadAround } from "../src/thread.js";

it("is an observability component the runtime accepts", () => {
  expectTypeOf<OtelObservability>().toExtend<Observability>();
  expectTypeOf<OtelObservability>().toExtend<Required<Instrumentation>>();
  expectTypeOf({ obs: otelObservability() }).toExtend<Components>();
});

it("takes the runtime's hook types, not copies of them", () => {
  expectTypeOf<Parameters<OtelObservability["inject"]>>().toEqualTypeOf<
    Parameters<NonNullable<Instrumentation["inject"]>>
  >();
  expectTypeOf<Parameters<OtelObservability["attach"]>>().toEqualTypeOf<
    Parameters<NonNullable<Instrumentation["attach"]>>
  >();
  expectTypeOf<Parameters<ThreadAround>[0]>().toEqualTypeOf<ProcessInfo>();
});
