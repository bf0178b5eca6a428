import { expect, it } from "vitest";
import { runDemo } from "../src/main.js";

it("answers every request although one of the two replicas is killed mid-flight", async () => {
  const lines: string[] = [];
  const result = await runDemo({ requests: 120, log: (l) => lines.push(l) });
  expect(result.answered).toBe(120);
  const total = [...result.answeredBy.values()].reduce((a, b) => a + b, 0);
  expect(total).toBe(120);
  expect(lines.at(-1)).toMatch(/^stopped/);
});
