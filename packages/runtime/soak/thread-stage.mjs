// The soak's stage 2 when it runs on the thread pool (plain JavaScript: threads load it without
// a TypeScript loader): fails one message in a thousand, and kills its thread (process.exit)
// on one message in 20 000, so crashes happen under load too.
export function stage2(_ctx, id) {
  if (id % 20_000 === 4321) process.exit(1);
  if (id % 1000 === 999) throw new Error(`stage 2 refuses ${id}`);
  return id;
}

/** Returns the message as it arrived (the bad-input fuzz's thread worker). */
export function echo(_ctx, msg) {
  return msg;
}
