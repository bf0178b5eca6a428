import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  checkUnhandledRejections,
  unhandledRejectionListener,
} from "../../../test/setup/no-unhandled-rejections.js";
import config from "../vitest.config.js";

describe("the shared no-unhandled-rejections setup", () => {
  it("is registered by this package's vitest config", () => {
    const setup = fileURLToPath(
      new URL("../../../test/setup/no-unhandled-rejections.ts", import.meta.url),
    );
    expect(config.test?.setupFiles).toContain(setup);
  });

  it("is installed, and fails a test that leaves a rejection unhandled", async () => {
    const listeners = process.listeners("unhandledRejection");
    expect(listeners).toContain(unhandledRejectionListener);
    // Vitest's own listeners are set aside, so the rejection provoked here fails nothing else.
    const others = listeners.filter((l) => l !== unhandledRejectionListener);
    for (const l of others) process.off("unhandledRejection", l);
    try {
      const reason = new Error("left unhandled on purpose");
      void Promise.reject(reason);
      await expect(checkUnhandledRejections()).rejects.toMatchObject({
        code: "ERR_UNHANDLED_REJECTION",
        errors: [reason],
      });
      // Reported once: the next check (the setup's own afterEach) finds nothing.
      await expect(checkUnhandledRejections()).resolves.toBeUndefined();
    } finally {
      for (const l of others) process.on("unhandledRejection", l);
    }
  });
});
