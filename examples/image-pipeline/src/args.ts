// The example's command line. `pnpm <script> -- --count 500` hands the `--` on to the script
// (`tsx src/main.ts --demo -- --count 500`), where parseArgs would read everything after it as
// positionals and fail; the first `--` is dropped, so both spellings work.
import { parseArgs } from "node:util";

export const USAGE = `usage: tsx src/main.ts [--demo] [--count N] [--clients N] [--out DIR] [--port N]
  --demo       generate images, submit them all through the HTTP API, show live stats, exit
  --count N    test images to generate (demo: 300, serve: 50)
  --clients N  concurrent HTTP clients in the demo (8)
  --out DIR    where thumbnails go (./out)
  --port N     API port when serving ($PORT or 3000)
pnpm passes "--" through ("pnpm demo -- --count 500"): the first "--" is ignored.`;

/** The parsed options (strings as given; numbers are checked by the caller). */
export interface MainArgs {
  readonly demo: boolean;
  readonly count: string | undefined;
  readonly clients: string;
  readonly out: string;
  readonly port: string;
  readonly help: boolean;
}

/** Parses `argv` (without node and the script). @throws parseArgs's errors (`ERR_PARSE_ARGS_*`). */
export function parseMainArgs(argv: readonly string[], env = process.env): MainArgs {
  const args = [...argv];
  const separator = args.indexOf("--");
  if (separator !== -1) args.splice(separator, 1);
  const { values } = parseArgs({
    args,
    options: {
      demo: { type: "boolean", default: false },
      count: { type: "string" },
      clients: { type: "string", default: "8" },
      out: { type: "string", default: "out" },
      port: { type: "string", default: env.PORT ?? "3000" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  return {
    demo: values.demo,
    count: values.count,
    clients: values.clients,
    out: values.out,
    port: values.port,
    help: values.help,
  };
}
