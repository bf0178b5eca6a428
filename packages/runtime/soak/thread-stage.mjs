// The soak's stage 2 when it runs on the thread pool (plain JavaScript: threads load it without
// a TypeScript loader): fails one message in a thousand.
export function stage2(_ctx, id) {
  if (id % 1000 === 999) throw new Error(`stage 2 refuses ${id}`);
  return id;
}
