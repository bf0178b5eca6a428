// The few host functions the package uses. Declared here (not taken from DOM or Node typings)
// so the package type-checks with no ambient `types`; every JavaScript runtime provides them.

/** Opaque timer handle. */
export type TimerHandle = unknown;

declare function setTimeout(callback: () => void, ms: number): TimerHandle;
declare function queueMicrotask(callback: () => void): void;

export const hostSetTimeout: (callback: () => void, ms: number) => TimerHandle = (cb, ms) =>
  setTimeout(cb, ms);
export const hostQueueMicrotask: (callback: () => void) => void = (cb) => queueMicrotask(cb);

declare const console: { error(...data: unknown[]): void };

/** Prints an error where the platform prints errors (`console.error`); never throws. */
export const hostPrintError = (message: string, ...errors: unknown[]): void => {
  try {
    // Every JavaScript runtime has a console; the check is for embedders that remove it.
    if (typeof console !== "undefined") console.error(message, ...errors);
  } catch {
    // Nowhere left to report to.
  }
};
