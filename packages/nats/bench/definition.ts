// The definition every runtime row uses: one exposed command worker on one input, in NATS
// (`subject` given) or in memory. Replica processes build the same one, so their stream and
// consumer match the sender's.

export const BUFFER = 1_000_000;

export function definition(
  subject: string | undefined,
  concurrency: number,
  workerFn: (ctx: unknown, msg: unknown) => unknown = () => {},
): never {
  const input =
    subject === undefined
      ? { buffer: BUFFER, putMode: "block" }
      : { transport: "nats", subject, buffer: BUFFER, putMode: "block" };
  return {
    channels: { in: input },
    workers: { w: { kind: "command", in: "in", expose: true, concurrency, workerFn } },
  } as never;
}
