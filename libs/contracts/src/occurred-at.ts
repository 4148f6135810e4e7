/**
 * Valid time. `value` is interpreted according to `precision`:
 * - `exact`: an ISO 8601 timestamp with a zone (`2025-03-13T19:30:00Z`)
 * - `day`: a calendar date (`2025-03-13`)
 * - `week`: an ISO week (`2025-W11`)
 * - `month`: a calendar month (`2025-03`)
 */
export interface OccurredAt {
  value: string;
  precision: Precision;
}

export const PRECISIONS = ['exact', 'day', 'week', 'month'] as const;
export type Precision = (typeof PRECISIONS)[number];

/** Rank used by the fold's total order: a more precise report of the same instant sorts first. */
export const PRECISION_RANK: Record<Precision, number> = { exact: 0, day: 1, week: 2, month: 3 };

const EXACT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const WEEK = /^(\d{4})-W(\d{2})$/;
const MONTH = /^(\d{4})-(\d{2})$/;

/**
 * The first instant (UTC, ms) that `occurredAt` covers, or null when the value does not match its
 * precision or is not a real date (2025-02-30 is rejected, not rolled over).
 *
 * Answers are kept: the folds ask it of one event's valid time five or six times in a row (its
 * voices, its rows, its dyads, its fold key), and the live projection asks it of a batch's events
 * once per stage (the journal, events_v1, the threats' acts, the statements): a replay of a million
 * events spent 3 s parsing the same values again. The last answer is checked first (the same object
 * with the same value and precision), then the values seen lately, per precision.
 */
export function occurredStart(at: OccurredAt): number | null {
  if (at === lastAt && at.value === lastValue && at.precision === lastPrecision) return lastStart;
  const seen = STARTS.get(at.precision);
  let start = seen?.get(at.value);
  if (start === undefined) {
    start = parseStart(at);
    if (seen) {
      if (seen.size >= STARTS_KEPT) seen.clear();
      seen.set(at.value, start);
    }
  }
  lastStart = start;
  lastAt = at;
  lastValue = at.value;
  lastPrecision = at.precision;
  return start;
}

/**
 * occurredStart as an ISO 8601 instant (the epoch when it has none): what the read models store as
 * `occurred_start`.
 */
export function occurredStartText(at: OccurredAt): string {
  return isoInstant(occurredStart(at) ?? 0);
}

/**
 * `new Date(ms).toISOString()`, kept like the starts: a batch's events, and a replay's history keys,
 * share few instants, and formatting a Date cost more than finding it.
 */
export function isoInstant(ms: number): string {
  if (ms === lastTextAt) return lastText;
  let text = INSTANTS.get(ms);
  if (text === undefined) {
    if (INSTANTS.size >= STARTS_KEPT) INSTANTS.clear();
    INSTANTS.set(ms, (text = new Date(ms).toISOString()));
  }
  lastTextAt = ms;
  lastText = text;
  return text;
}

const STARTS_KEPT = 10_000;
/** Only the four precisions are kept (an unknown one parses to null each time, never fills a map). */
const STARTS = new Map<string, Map<string, number | null>>(PRECISIONS.map((p) => [p, new Map()]));
const INSTANTS = new Map<number, string>();
let lastTextAt = NaN;
let lastText = '';

/**
 * The UTC day (YYYY-MM-DD) of instant `ms`. The folds ask it of one event's start several times in a
 * row (its voices' affiliations) and of many events on few days (their dyads): the last answer is
 * checked first, then the days seen lately; formatting a Date cost more than finding it.
 */
export function utcDay(ms: number): string {
  if (ms === lastDayAt) return lastDay;
  const n = Math.floor(ms / 86_400_000);
  let day = DAYS.get(n);
  if (day === undefined) {
    if (DAYS.size >= DAYS_KEPT) DAYS.clear();
    DAYS.set(n, (day = new Date(n * 86_400_000).toISOString().slice(0, 10)));
  }
  lastDayAt = ms;
  lastDay = day;
  return day;
}

const DAYS = new Map<number, string>();
const DAYS_KEPT = 10_000;
let lastDayAt = NaN;
let lastDay = '';

let lastAt: OccurredAt | null = null;
let lastValue = '';
let lastPrecision = '';
let lastStart: number | null = null;

function parseStart(at: OccurredAt): number | null {
  switch (at.precision) {
    case 'exact': {
      const m = EXACT.exec(at.value);
      // Date.parse rolls 2025-02-30 over to 2 March and reads 24:00 as the next midnight: check first.
      return m && utcDate(+m[1], +m[2], +m[3]) !== null && +m[4] < 24 ? realOrNull(Date.parse(at.value)) : null;
    }
    case 'day': {
      const m = DAY.exec(at.value);
      return m ? utcDate(+m[1], +m[2], +m[3]) : null;
    }
    case 'week': {
      const m = WEEK.exec(at.value);
      return m ? isoWeekStart(+m[1], +m[2]) : null;
    }
    case 'month': {
      const m = MONTH.exec(at.value);
      return m ? utcDate(+m[1], +m[2], 1) : null;
    }
    default:
      return null;
  }
}

/** A bare date string is shorthand for day precision; anything else passes through untouched. */
export function normalizeOccurredAt(input: unknown): unknown {
  return typeof input === 'string' ? { value: input, precision: 'day' } : input;
}

function realOrNull(ms: number): number | null {
  return Number.isFinite(ms) ? ms : null;
}

function utcDate(y: number, m: number, d: number): number | null {
  const ms = Date.UTC(y, m - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== m - 1 || back.getUTCDate() !== d) return null;
  return ms;
}

function isoWeekStart(year: number, week: number): number | null {
  if (week < 1 || week > 53) return null;
  // ISO week 1 holds January 4th; weeks start on Monday.
  const jan4 = Date.UTC(year, 0, 4);
  const jan4Day = (new Date(jan4).getUTCDay() + 6) % 7;
  const start = jan4 - jan4Day * 86_400_000 + (week - 1) * 7 * 86_400_000;
  if (week === 53 && isoWeekYear(start) !== year) return null;
  return start;
}

function isoWeekYear(ms: number): number {
  const thursday = ms + 3 * 86_400_000;
  return new Date(thursday).getUTCFullYear();
}
