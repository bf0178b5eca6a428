import { describePackageShape } from "../../../test/package-shape.js";

describePackageShape({
  dir: new URL("..", import.meta.url),
  name: "@workers/channels",
  load: () => import("@workers/channels"),
});
