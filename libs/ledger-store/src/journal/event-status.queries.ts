import { Pool } from 'pg';

/** Where an event stands: accepted but not yet applied, applied to the read models, or rejected. */
export type EventStatus =
  | { eventId: string; status: 'pending'; partition: number; offset: string; acceptedAt: string }
  | { eventId: string; status: 'applied'; type: string; partition: number; offset: string; recordedAt: string }
  | { eventId: string; status: 'rejected'; reason: string; problems: unknown; partition: number; offset: string; recordedAt: string };

export async function eventStatus(pool: Pool, eventId: string): Promise<EventStatus | null> {
  const applied = await pool.query(`SELECT type, partition, "offset", recorded_at FROM ledger.journal WHERE event_id = $1 AND disposition = 'applied'`, [eventId]);
  if (applied.rowCount) {
    const r = applied.rows[0];
    return { eventId, status: 'applied', type: r.type, partition: r.partition, offset: r.offset, recordedAt: r.recorded_at.toISOString() };
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
