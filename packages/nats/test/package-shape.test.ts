import { expect, it } from "vitest";
import { describePackageShape, valueImports } from "../../../test/package-shape.js";

describePackageShape(
  {
    dir: new URL("..", import.meta.url),
    name: "@workers/nats",
    load: () => import("@workers/nats"),
    exportNames: ["NatsTransportError", "natsTransport"],
  },
  (pkg) => {
    it("depends on the runtime, channels and the NATS JetStream clients only", () => {
      const { external } = valueImports(new URL("../src/index.ts", import.meta.url));
      const bare = [...external].filter((s) => !s.startsWith("node:")).sort();
      expect(bare).toEqual([
        "@nats-io/jetstream",
        "@nats-io/transport-node",
        "@workers/channels",
        "@workers/runtime",
      ]);
      expect(Object.keys(pkg.dependencies).sort()).toEqual([
        "@nats-io/jetstream",
        "@nats-io/transport-node",
        "@workers/channels",
        "@workers/runtime",
      ]);
    });
  },
);
