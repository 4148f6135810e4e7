import { Pool } from 'pg';
import { EVENT_TYPES } from '@ledger/contracts';

/** The span of valid time the ledger's facts cover. */
export interface LedgerExtent {
  /** The earliest valid time (start instant) of a fact in force; null when there is none. */
  firstOccurredAt: string | null;
  /** The latest valid time (start instant) of a fact in force; null when there is none. */
  lastOccurredAt: string | null;
}

/**
 * The earliest and latest valid time of the facts in force (retracted ones left out), as recorded
 * by `knownAt` when given. One index probe per event type (events_v1 (type, occurred_start)), so the
 * cost does not grow with the ledger.
 */
export async function ledgerExtent(pool: Pool, knownAt: Date | null): Promise<LedgerExtent> {
  const { rows } = await pool.query(
    `SELECT min(x.first) AS first, max(x.last) AS last
       FROM unnest($1::text[]) AS t(type)
      CROSS JOIN LATERAL (
        SELECT (SELECT occurred_start FROM read_model.events_v1 e WHERE e.type = t.type AND e.counts AND ($2::timestamptz IS NULL OR e.recorded_at <= $2)
                 ORDER BY occurred_start LIMIT 1) AS first,
               (SELECT occurred_start FROM read_model.events_v1 e WHERE e.type = t.type AND e.counts AND ($2::timestamptz IS NULL OR e.recorded_at <= $2)
                 ORDER BY occurred_start DESC LIMIT 1) AS last) x`,
    [[...EVENT_TYPES], knownAt],
  );
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return { firstOccurredAt: iso(rows[0].first as Date | null), lastOccurredAt: iso(rows[0].last as Date | null) };
}
