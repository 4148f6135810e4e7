import { LedgerError } from './errors';

/** What an instant parameter accepts, as error messages and docs say it. */
export const INSTANT_FORMS = 'a date (2025-03-13: the end of that day, UTC) or a timestamp with a zone (2025-03-13T18:00:00Z)';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * The one reading of a point in time that the API (`asOf`, `knownAt`) and the CLI (`--known-at`)
 * share: an ISO 8601 timestamp with a zone, or a calendar date meaning the END of that day, UTC
 * (23:59:59.999Z) — "as known on 5 December" includes what was recorded on the 5th. Answers null
 * for anything else (a date that does not exist, a timestamp without a zone, a week…).
 */
export function readInstant(value: string): Date | null {
  const day = DAY.test(value);
  if (!day && !TIMESTAMP.test(value)) return null;
  const ms = Date.parse(day ? `${value}T23:59:59.999Z` : value);
  if (Number.isNaN(ms)) return null;
  // Date.parse rolls 2025-02-30 over to 2 March: the date must read back the same.
  if (new Date(Date.parse(`${value.slice(0, 10)}T00:00:00Z`)).toISOString().slice(0, 10) !== value.slice(0, 10)) return null;
  return new Date(ms);
}

/**
 * readInstant for a named parameter: a bad value is a 400 `query.invalid` naming it (the CLI
 * prints the message: `--known-at must be …`).
 */
export function parseInstant(name: string, value: string): Date {
  const at = readInstant(value);
  if (at) return at;
  const message = `${name} must be ${INSTANT_FORMS}`;
  throw new LedgerError(400, 'query.invalid', 'Invalid query parameters', message, { errors: [{ field: name, message }] });
}
