/**
 * A failure with an HTTP status and a stable dotted code (`event.id_conflict`). The HTTP edge maps
 * every one of them to RFC 9457 problem+json in one place; clients branch on `code`.
 */
export class LedgerError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail?: string,
    /** Extra members of the problem document (`errors`, `retryAfter`…). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail ?? title);
    this.name = 'LedgerError';
  }
}

/** The log did not acknowledge in time, or is unreachable: the outcome is unknown, retry with the same id. */
export class LogUnavailableError extends LedgerError {
  constructor(detail: string, retryAfterSeconds = 1) {
    super(503, 'log.unavailable', 'The event log did not acknowledge', detail, { retryAfter: retryAfterSeconds });
  }
}

/** Too much is waiting to be produced: nothing was written, retry later. */
export class LogBackpressureError extends LedgerError {
  constructor(retryAfterSeconds = 1) {
    super(503, 'log.backpressure', 'Too many events are waiting to be written', 'Nothing was written; retry after the delay.', {
      retryAfter: retryAfterSeconds,
    });
  }
}
