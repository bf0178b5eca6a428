// The public types of @workers/runtime, from the modules that declare them.

export type * from "./transport/types.js";
export type * from "./types/events.js";
export type * from "./types/hooks.js";
export type * from "./types/stats.js";
export type * from "./types/system.js";
export type * from "./types/threads.js";
