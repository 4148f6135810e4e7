import { isoInstant } from '@ledger/contracts';

/**
 * The fold's total order (DOMAIN.md §4): valid time, then precision (exact before day before week
 * before month), authority (1 first), first report time (unknown last), partition, offset, and the
 * event id as a last tie-break. The same set of events sorts the same way whatever order it arrived
 * in, which is what makes replays and partition interleavings give identical read models.
 */
export interface OrderKey {
  occurredStart: number;
  precisionRank: number;
  authority: number | null;
  reportedAt: number | null;
  partition: number;
  offset: string;
  eventId: string;
}

/** How an unknown authority or report time sorts: after every known one (stored as these sentinels). */
export const UNKNOWN_AUTHORITY = 9;

export function compareOrder(a: OrderKey, b: OrderKey): number {
  return (
    a.occurredStart - b.occurredStart ||
    a.precisionRank - b.precisionRank ||
    (a.authority ?? UNKNOWN_AUTHORITY) - (b.authority ?? UNKNOWN_AUTHORITY) ||
    (a.reportedAt ?? Number.MAX_SAFE_INTEGER) - (b.reportedAt ?? Number.MAX_SAFE_INTEGER) ||
    a.partition - b.partition ||
    compareDecimal(a.offset, b.offset) ||
    (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0)
  );
}

function compareDecimal(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** An order key as SQL columns (jsonb_to_recordset input). */
export function keyColumns(k: OrderKey) {
  return {
    event_id: k.eventId,
    occurred_start: Number.isFinite(k.occurredStart) ? isoInstant(k.occurredStart) : '-infinity',
    precision_rank: k.precisionRank,
    authority: k.authority ?? UNKNOWN_AUTHORITY,
    reported_at: k.reportedAt === null ? 'infinity' : new Date(k.reportedAt).toISOString(),
    partition: k.partition,
    offset: k.offset,
  };
}

/** An order key read back from SQL columns. */
export function rowKey(r: Record<string, any>): OrderKey {
  return {
    occurredStart: (r.occurred_start as Date).getTime(),
    precisionRank: Number(r.precision_rank),
    authority: r.authority === null || Number(r.authority) === UNKNOWN_AUTHORITY ? null : Number(r.authority),
    reportedAt: r.reported_at instanceof Date && Number.isFinite(r.reported_at.getTime()) ? r.reported_at.getTime() : null,
    partition: Number(r.partition),
    offset: String(r.offset),
    eventId: String(r.event_id).toLowerCase(),
  };
}
