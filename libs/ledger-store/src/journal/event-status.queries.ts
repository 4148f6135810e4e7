import { Pool } from 'pg';
import { decodeCursor, encodeCursor, Page } from '../cursor';

/** Where an event stands: accepted but not yet applied, applied to the read models, or rejected. */
export type EventStatus =
  | { eventId: string; status: 'pending'; partition: number; offset: string; acceptedAt: string }
  | { eventId: string; status: 'applied'; type: string; partition: number; offset: string; recordedAt: string; conflicts: RejectedRecord[] }
  | { eventId: string; status: 'rejected'; reason: string; problems: unknown; partition: number; offset: string; recordedAt: string };

export async function eventStatus(pool: Pool, eventId: string): Promise<EventStatus | null> {
  const applied = await pool.query(`SELECT type, partition, "offset", recorded_at FROM ledger.journal WHERE event_id = $1 AND disposition = 'applied'`, [eventId]);
  if (applied.rowCount) {
    const r = applied.rows[0];
    // Later records under the same id with other content were refused (event.id_conflict): their
    // publisher learns it here, not only that "the" event was applied.
    const conflicts = await pool.query(`SELECT ${REJECTED_COLUMNS} FROM ledger.rejections WHERE event_id = $1 ORDER BY recorded_at, partition, "offset"`, [eventId]);
    return {
      eventId,
      status: 'applied',
      type: r.type,
      partition: r.partition,
      offset: r.offset,
      recordedAt: r.recorded_at.toISOString(),
      conflicts: conflicts.rows.map(toRejected),
    };
  }
  const rejected = await pool.query(`SELECT reason, problems, partition, "offset", recorded_at FROM ledger.rejections WHERE event_id = $1 ORDER BY partition, "offset" LIMIT 1`, [
    eventId,
  ]);
  if (rejected.rowCount) {
    const r = rejected.rows[0];
    return { eventId, status: 'rejected', reason: r.reason, problems: r.problems, partition: r.partition, offset: r.offset, recordedAt: r.recorded_at.toISOString() };
  }
  const receipt = await pool.query(`SELECT partition, "offset", accepted_at FROM ledger.ingest_receipts WHERE event_id = $1`, [eventId]);
  if (receipt.rowCount) {
    const r = receipt.rows[0];
    return { eventId, status: 'pending', partition: r.partition, offset: r.offset, acceptedAt: r.accepted_at.toISOString() };
  }
  return null;
}

/** One record the projector refused, as a publisher is shown it (the raw bytes stay with the auditors). */
export interface RejectedRecord {
  eventId: string | null;
  reason: string;
  problems: unknown;
  partition: number;
  offset: string;
  recordedAt: string;
}

const REJECTED_COLUMNS = `event_id, reason, problems, partition, "offset", recorded_at`;

function toRejected(r: Record<string, any>): RejectedRecord {
  return { eventId: r.event_id, reason: r.reason, problems: r.problems, partition: r.partition, offset: r.offset, recordedAt: r.recorded_at.toISOString() };
}

/**
 * The records of one publisher the projector refused, newest first, a page at a time. A record is the
 * publisher's by its CloudEvents `ce_source` header (`/publishers/<id>`): set on everything the ingest
 * API publishes, and by direct producers that follow docs/publishing.md.
 */
export async function listRejections(pool: Pool, publisher: string, options: { cursor?: string; limit: number }): Promise<Page<RejectedRecord>> {
  const after = options.cursor ? decodeCursor(options.cursor, ['timestamp', 'int', 'bigint']) : null;
  const { rows } = await pool.query(
    `SELECT ${REJECTED_COLUMNS} FROM ledger.rejections
      WHERE headers->>'ce_source' = $1
        AND ($2::timestamptz IS NULL OR (recorded_at, partition, "offset") < ($2::timestamptz, $3::int, $4::bigint))
      ORDER BY recorded_at DESC, partition DESC, "offset" DESC LIMIT $5`,
    [`/publishers/${publisher}`, after?.[0] ?? null, after?.[1] ?? null, after?.[2] ?? null, options.limit + 1],
  );
  const items = rows.slice(0, options.limit).map(toRejected);
  const last = items[items.length - 1];
  return rows.length > options.limit && last ? { items, nextCursor: encodeCursor([last.recordedAt, last.partition, last.offset]) } : { items };
}
