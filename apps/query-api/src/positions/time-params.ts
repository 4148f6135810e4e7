import { LedgerError } from '@ledger/contracts';

/**
 * Parses asOf / knownAt: an ISO 8601 timestamp, or a calendar date meaning the end of that day
 * (UTC) — "as of 13 March" includes what happened on the 13th.
 */
export function parseInstant(name: string, value: string | undefined): Date | null {
  if (value === undefined) return null;
  const day = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const ms = Date.parse(day ? `${value}T23:59:59.999Z` : value);
  const valid = !Number.isNaN(ms) && (day || /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value));
  if (!valid || (day && new Date(ms).toISOString().slice(0, 10) !== value)) {
    throw new LedgerError(400, 'query.invalid', 'Invalid query parameters', `${name} must be a date (2025-03-13) or a timestamp with a zone (2025-03-13T18:00:00Z)`, {
      errors: [{ field: name, message: `${name} must be an ISO 8601 date or timestamp` }],
    });
  }
  return new Date(ms);
}
