import { PoolClient } from 'pg';
import { COPY_NULL, copyLines, copyNullable, write } from '@ledger/postgres';

/** The journal's columns its readers look records up by (the projector's duplicate lookup, verify, replays): what the planner needs statistics of. */
export const JOURNAL_LOOKUPS = { table: 'journal', columns: ['event_id', 'disposition', 'partition', 'offset'] };

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
  /** The envelope as JSON text, when the caller has it already (the canonical JSON it hashed): not serialised again. */
  envelopeText?: string;
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

/**
 * Journals a batch's records with one COPY: the envelope goes as the JSON text the projector already
 * has (`envelopeText`, the canonical bytes it hashed) and PostgreSQL parses it once, into jsonb.
 */
export async function insertJournal(client: PoolClient, rows: JournalRow[]): Promise<void> {
  if (!rows.length) return;
  let lines = '';
  for (const r of rows) {
    const envelope = r.envelopeText ?? (r.envelope === null ? null : JSON.stringify(r.envelope));
    lines +=
      `${r.partition}\t${r.offset}\t${r.eventId ?? COPY_NULL}\t${r.disposition}\t${copyNullable(r.type)}\t${r.occurredStart ?? COPY_NULL}\t${r.recordedAt}\t` +
      `${r.contentSha256 ?? COPY_NULL}\t${copyNullable(envelope)}\t\\\\x${r.hash.toString('hex')}\n`;
  }
  await copyLines(client, `COPY ledger.journal (partition, "offset", event_id, disposition, type, occurred_start, recorded_at, content_sha256, envelope, hash) FROM STDIN`, lines);
}

export async function insertRejections(client: PoolClient, rows: RejectionRow[]): Promise<void> {
  for (const r of rows) {
    await write(
      client,
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
