import { PoolClient } from 'pg';

/** One record of the log as the projector journals it. */
export interface JournalRow {
  partition: number;
  offset: string;
  eventId: string | null;
  disposition: 'applied' | 'duplicate' | 'rejected';
  type: string | null;
  occurredStart: string | null;
  recordedAt: string;
  contentSha256: string | null;
  envelope: unknown | null;
  /** Its link in the partition's hash chain. */
  hash: Buffer;
}

/** A record the projector refused, with why and where it came from. */
export interface RejectionRow {
  topic: string;
  partition: number;
  offset: string;
  eventId: string | null;
  reason: string;
  problems: unknown;
  raw: Buffer | null;
  headers: Record<string, string>;
  recordedAt: string;
}

export async function insertJournal(client: PoolClient, rows: JournalRow[]): Promise<void> {
  if (!rows.length) return;
  await client.query(
    `INSERT INTO ledger.journal (partition, "offset", event_id, disposition, type, occurred_start, recorded_at, content_sha256, envelope, hash)
     SELECT partition, "offset", event_id, disposition, type, occurred_start, recorded_at, content_sha256, envelope, decode(hash, 'hex')
       FROM jsonb_to_recordset($1::jsonb) AS r(partition int, "offset" bigint, event_id uuid, disposition text, type text,
            occurred_start timestamptz, recorded_at timestamptz, content_sha256 text, envelope jsonb, hash text)`,
    [
      JSON.stringify(
        rows.map((r) => ({
          partition: r.partition,
          offset: r.offset,
          event_id: r.eventId,
          disposition: r.disposition,
          type: r.type,
          occurred_start: r.occurredStart,
          recorded_at: r.recordedAt,
          content_sha256: r.contentSha256,
          envelope: r.envelope,
          hash: r.hash.toString('hex'),
        })),
      ),
    ],
  );
}

export async function insertRejections(client: PoolClient, rows: RejectionRow[]): Promise<void> {
  for (const r of rows) {
    await client.query(
      `INSERT INTO ledger.rejections (topic, partition, "offset", event_id, reason, problems, raw, headers, recorded_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [r.topic, r.partition, r.offset, r.eventId, r.reason, storableJson(r.problems), r.raw, storableJson(r.headers), r.recordedAt],
    );
  }
}

/** The event ids of `ids` already applied, with their content hashes. */
export async function appliedContent(client: PoolClient, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const { rows } = await client.query(`SELECT event_id, content_sha256 FROM ledger.journal WHERE disposition = 'applied' AND event_id = ANY($1::uuid[])`, [ids]);
  return new Map(rows.map((r) => [r.event_id as string, r.content_sha256 as string]));
}

/**
 * JSON that jsonb accepts: a direct publisher's headers (or a field name) may hold U+0000 or an
 * unpaired surrogate, which it refuses. JSON.stringify writes both as \u escapes (a surrogate only when unpaired).
 */
function storableJson(value: unknown): string {
  return JSON.stringify(value).replace(/\\u(0000|d[89a-f][0-9a-f]{2})/g, '\\ufffd');
}
