/** Stable codes carried by the errors this package throws. */
export type DashboardErrorCode = "ERR_INVALID_ARGUMENT";

/**
 * Thrown by `dashboardHandler` and `serveDashboard` for misuse (a system without `stats()` or
 * `definition`, a malformed `basePath`, an `intervalMs` out of range). `code` is stable, the
 * message is not.
 */
export class DashboardError extends Error {
  /** Stable, machine-readable code. */
  readonly code: DashboardErrorCode;

  constructor(code: DashboardErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DashboardError";
    this.code = code;
  }
}
