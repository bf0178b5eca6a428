// Small helpers shared by the two HTTP servers of the example.
import type { IncomingMessage, Server, ServerResponse } from "node:http";

/** Starts listening and resolves with the server's base URL (`port` 0 = an ephemeral port). */
export function listen(server: Server, port: number, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      const address = server.address();
      if (address === null || typeof address === "string") {
        reject(new Error("server has no TCP address"));
        return;
      }
      const h = address.family === "IPv6" ? `[${address.address}]` : address.address;
      resolve(`http://${h}:${address.port}`);
    });
  });
}

/** Closes the server, ending idle keep-alive connections so it does not linger. */
export function close(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeIdleConnections();
  });
}

/** Sends a JSON answer. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const data = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(data),
    ...headers,
  });
  res.end(data);
}

/** Thrown by {@link readJson} for a body that is too large or not JSON. */
export class BadRequestError extends Error {
  override readonly name = "BadRequestError";
  readonly code = "ERR_BAD_REQUEST";
}

/** Reads a JSON request body of at most `limitBytes`. */
export async function readJson(req: IncomingMessage, limitBytes = 16 * 1024): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) throw new BadRequestError(`body over ${limitBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new BadRequestError("body is not JSON", { cause });
  }
}
