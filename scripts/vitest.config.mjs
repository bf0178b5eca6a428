import { defineProject } from "vitest/config";

// Tests of the repository itself: README's commands, CI, what the packages ship.
export default defineProject({
  test: {
    name: "repo",
    include: ["test/**/*.test.mjs"],
  },
});
