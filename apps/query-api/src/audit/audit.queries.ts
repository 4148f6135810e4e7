import { Pool } from 'pg';
import { decodeCursor, encodeCursor, Page } from '@ledger/ledger-store';

/** One journal row as auditors read it. */
export interface JournalEntry {
  partition: number;
  offset: string;
  eventId: string | null;
  disposition: 'applied' | 'duplicate' | 'rejected';
  type: string | null;
  recordedAt: string;
  hash: string;
  reason: string | null;
}

/** The journal in log order (partition, offset), with hashes; cursor-paged. */
export async function journalPage(pool: Pool, filter: { partition?: number; fromOffset?: string; limit: number; cursor?: string }): Promise<Page<JournalEntry>> {
  const [afterPartition, afterOffset] = filter.cursor ? (decodeCursor(filter.cursor, ['int', 'bigint']) as [number, string]) : [-1, '-1'];
  const { rows } = await pool.query(
    `SELECT j.partition, j."offset"::text AS offset, j.event_id, j.disposition, j.type, j.recorded_at, encode(j.hash, 'hex') AS hash, r.reason
       FROM ledger.journal j LEFT JOIN ledger.rejections r ON r.partition = j.partition AND r."offset" = j."offset"
      WHERE ($1::int IS NULL OR j.partition = $1) AND ($2::bigint IS NULL OR j."offset" >= $2) AND (j.partition, j."offset") > ($3, $4::bigint)
      ORDER BY j.partition, j."offset" LIMIT $5`,
    [filter.partition ?? null, filter.fromOffset ?? null, afterPartition, afterOffset, filter.limit + 1],
  );
  const more = rows.length > filter.limit;
  const page = rows.slice(0, filter.limit).map((r) => ({
    partition: r.partition,
    offset: r.offset,
    eventId: r.event_id,
    disposition: r.disposition,
    type: r.type,
    recordedAt: (r.recorded_at as Date).toISOString(),
    hash: r.hash,
    reason: r.reason,
  }));
  const last = page[page.length - 1];
  return { items: page, nextCursor: more && last ? encodeCursor([last.partition, last.offset]) : undefined };
}

/** The latest `ledger verify` result, or null when none ran yet. */
export async function latestVerification(pool: Pool): Promise<Record<string, unknown> | null> {
  const { rows } = await pool.query(`SELECT id, started_at, finished_at, ok, summary, mismatches FROM ledger.verifications ORDER BY id DESC LIMIT 1`);
  if (!rows.length) return null;
  const r = rows[0];
  return { id: r.id, startedAt: r.started_at.toISOString(), finishedAt: r.finished_at.toISOString(), ok: r.ok, ...r.summary, mismatches: r.mismatches };
}
