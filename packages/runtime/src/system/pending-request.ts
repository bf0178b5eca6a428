import type { Reply } from "./envelope.js";

/** The settle-once side of a `request`. */
export class PendingRequest implements Reply {
  private done = false;
  timer: ReturnType<typeof setTimeout> | undefined = undefined;
  cleanup: (() => void) | undefined = undefined;

  constructor(
    private readonly onValue: (value: unknown) => void,
    private readonly onError: (error: unknown) => void,
  ) {}

  resolve(value: unknown): void {
    if (this.finish()) this.onValue(value);
  }

  reject(error: unknown): void {
    if (this.finish()) this.onError(error);
  }

  private finish(): boolean {
    if (this.done) return false;
    this.done = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.cleanup?.();
    return true;
  }
}
