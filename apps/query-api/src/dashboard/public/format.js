const DAY = 86_400_000;
const dateFmt = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
const shortFmt = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
const timeFmt = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC', timeZoneName: 'short' });

/** Monday of ISO week `week` of `year`, in UTC ms. */
function isoWeekStart(year, week) {
  const jan4 = Date.UTC(year, 0, 4);
  const dow = (new Date(jan4).getUTCDay() + 6) % 7;
  return jan4 - dow * DAY + (week - 1) * 7 * DAY;
}

/** The first instant of a valid time `{ value, precision }` (or a bare ISO string), in UTC ms. */
export function startOf(occurredAt) {
  const value = typeof occurredAt === 'string' ? occurredAt : occurredAt?.value;
  if (!value) return NaN;
  const week = /^(\d{4})-W(\d{2})$/.exec(value);
  if (week) return isoWeekStart(Number(week[1]), Number(week[2]));
  if (/^\d{4}-\d{2}$/.test(value)) return Date.parse(`${value}-01T00:00:00Z`);
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return Date.parse(`${value}T00:00:00Z`);
  return Date.parse(value);
}

/** Valid time as people say it: "13 Mar 2025", "week of 10 Mar 2025", "Mar 2025". */
export function formatOccurred(occurredAt) {
  if (!occurredAt) return 'unknown time';
  const value = typeof occurredAt === 'string' ? occurredAt : occurredAt.value;
  const precision = typeof occurredAt === 'string' ? 'day' : occurredAt.precision;
  const start = startOf(occurredAt);
  if (Number.isNaN(start)) return value;
  if (precision === 'week' || /-W\d{2}$/.test(value)) return `week of ${dateFmt.format(start)}`;
  if (precision === 'month') return new Intl.DateTimeFormat('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(start);
  if (precision === 'exact') return timeFmt.format(start);
  return dateFmt.format(start);
}

/** A column heading: short, and still unambiguous about weeks. */
export function formatStepHeading(occurredAt) {
  const start = startOf(occurredAt);
  const precision = occurredAt?.precision;
  if (precision === 'week') return `wk of ${shortFmt.format(start)}`;
  if (precision === 'month') return new Intl.DateTimeFormat('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(start);
  return shortFmt.format(start);
}

export function formatDate(iso) {
  const ms = typeof iso === 'number' ? iso : Date.parse(iso);
  return Number.isNaN(ms) ? String(iso) : dateFmt.format(ms);
}

export function formatTime(iso) {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? String(iso) : timeFmt.format(ms);
}

/** Whole days from `fromMs` to `toMs` (never negative). */
export function daysBetween(fromMs, toMs) {
  return Math.max(0, Math.floor((toMs - fromMs) / DAY));
}

/** End of a calendar day (YYYY-MM-DD) in UTC, as the API reads a bare date. */
export function endOfDay(date) {
  return Date.parse(`${date}T23:59:59.999Z`);
}

/** Today as YYYY-MM-DD (UTC, as the API reads dates). */
export function today() {
  return new Date().toISOString().slice(0, 10);
}

export function formatScore(score) {
  if (score === null || score === undefined) return 'no score';
  return (score > 0 ? '+' : score < 0 ? '−' : '') + Math.abs(score).toFixed(1);
}

export function plural(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}
