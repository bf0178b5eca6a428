import { describePackageShape } from "../../../test/package-shape.js";

describePackageShape({
  dir: new URL("..", import.meta.url),
  name: "@workers/config",
  load: () => import("@workers/config"),
});
