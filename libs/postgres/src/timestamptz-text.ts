// PostgreSQL writes a timestamptz as text in the session's time zone, ISO date style:
// '2025-03-18 10:00:00.137+00' in UTC, the fraction trimmed of trailing zeros and left out when
// zero. A reader that wants the instant as Date#toISOString writes it ('2025-03-18T10:00:00.137Z')
// can rearrange that text instead of parsing it into a Date and formatting the Date again (on a
// slow VM about 2.5 µs per value, a twentieth of a replay's Node time per event).

import { types } from 'pg';

const JSONB_OID = 3802;
const TIMESTAMPTZ_OID = 1184;
const parseTimestamptz = types.getTypeParser(TIMESTAMPTZ_OID, 'text') as (text: string) => Date;

/**
 * pg's type parsers, but jsonb and timestamptz left as their text: for a reader that parses each
 * row's JSON as it reaches it, and takes a record time's ISO form from its text (isoOfUtcTimestamptz).
 */
export const JSONB_AND_TIMESTAMPTZ_AS_TEXT = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') => (oid === JSONB_OID || oid === TIMESTAMPTZ_OID ? (text: string) => text : types.getTypeParser(oid, format)),
};

/** The instant of a timestamptz's text: from `iso` when isoOfUtcTimestamptz gave one for it, else through pg's own parser. */
export function dateOfTimestamptz(text: string, iso: string | null): Date {
  return iso === null ? parseTimestamptz(text) : new Date(millisOfIso(iso));
}

const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;

/**
 * The ISO 8601 form (Date#toISOString's: milliseconds, `Z`) of a timestamptz's text in a UTC
 * session; null for any other shape — another zone's offset, microseconds, a year before 1000 or
 * after 9999, BC, infinity — which the caller parses the general way.
 */
export function isoOfUtcTimestamptz(text: string): string | null {
  const n = text.length;
  // 'YYYY-MM-DD HH:MM:SS+00' is 22 characters; a fraction of one to three digits adds two to four.
  if (n !== 22 && (n < 24 || n > 26)) return null;
  if (text.charCodeAt(10) !== 0x20 || text.charCodeAt(n - 3) !== 0x2b || text.charCodeAt(n - 2) !== DIGIT_0 || text.charCodeAt(n - 1) !== DIGIT_0) return null;
  for (const at of DIGITS) if (!isDigit(text, at)) return null;
  if (text.charCodeAt(0) === DIGIT_0) return null;
  const head = `${text.slice(0, 10)}T${text.slice(11, 19)}`;
  if (n === 22) return `${head}.000Z`;
  if (text.charCodeAt(19) !== 0x2e) return null;
  for (let at = 20; at < n - 3; at++) if (!isDigit(text, at)) return null;
  const fraction = text.slice(20, n - 3);
  return `${head}.${fraction.length === 3 ? fraction : fraction.length === 2 ? `${fraction}0` : `${fraction}00`}Z`;
}

/** Milliseconds since the epoch of an instant isoOfUtcTimestamptz gave. */
export function millisOfIso(iso: string): number {
  return Date.UTC(num(iso, 0, 4), num(iso, 5, 2) - 1, num(iso, 8, 2), num(iso, 11, 2), num(iso, 14, 2), num(iso, 17, 2), num(iso, 20, 3));
}

/** Where 'YYYY-MM-DD HH:MM:SS' has digits. */
const DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];

function isDigit(text: string, at: number): boolean {
  const c = text.charCodeAt(at);
  return c >= DIGIT_0 && c <= DIGIT_9;
}

function num(text: string, from: number, length: number): number {
  let v = 0;
  for (let i = from; i < from + length; i++) v = v * 10 + (text.charCodeAt(i) - DIGIT_0);
  return v;
}
