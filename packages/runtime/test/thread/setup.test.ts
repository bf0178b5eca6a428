import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";
import { dispatcher, fixture, task } from "./helpers.js";

test("a setup module's around() wraps every task in the thread", async () => {
  const setup = fixture("setup", "seen");
  const d = dispatcher({ min: 1, max: 1, setup: fileURLToPath(setup.url) });
  try {
    await d.load([setup]);
    const seen = await d.run(
      task(setup, null, {
        worker: { name: "traced", kind: "command", dispatch: "thread", in: "traced/in" },
        headers: { traceparent: "00-1-2-01" },
        messageId: "msg-1",
      }),
    );
    expect(seen).toEqual({
      info: { workerId: "traced", channel: "traced/in", dispatch: "thread", messageId: "msg-1" },
      headers: { traceparent: "00-1-2-01" },
    });
  } finally {
    await d.close();
  }
});

test("a setup module that does not load fails load()", async () => {
  const d = dispatcher({ min: 1, max: 1, setup: fileURLToPath(fixture("broken").url) });
  try {
    await expect(d.load([fixture("basic", "echo")])).rejects.toMatchObject({
      code: "ERR_THREAD_LOAD",
    });
  } finally {
    await d.close();
  }
});
