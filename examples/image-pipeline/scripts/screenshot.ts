// Takes docs/dashboard.png for the README: runs the demo and photographs its dashboard in
// headless Chromium (Debian's /usr/bin/chromium through playwright-core; never a browser
// downloaded by `playwright install`) once 120 images are stored, with the pipeline busy.
//   pnpm --filter @workers/example-image-pipeline screenshot
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { runDemo } from "../src/demo.js";

const target = fileURLToPath(new URL("../docs/dashboard.png", import.meta.url));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
let shot: Promise<void> | undefined;
try {
  await runDemo({
    count: 300,
    clients: 16,
    outDir: join(tmpdir(), `image-pipeline-screenshot-${process.pid}`),
    tty: false,
    onReady: async ({ dashboard }) => {
      // The page allows only its own script: let the string predicate below run beside it.
      const page = await browser.newPage({
        viewport: { width: 1280, height: 760 },
        bypassCSP: true,
      });
      await page.goto(dashboard);
      shot = (async () => {
        await page.waitForFunction(
          `Number(document.querySelector('svg [data-node="worker:image-store"] [data-field="processed"]').textContent) >= 120`,
          undefined,
          { polling: 100, timeout: 120_000 },
        );
        await page.screenshot({ path: target, fullPage: true });
        console.log(`screenshot: ${target}`);
      })();
    },
  });
  await shot;
} finally {
  await browser.close();
}
