import { PoolClient } from 'pg';
import { RecordedEvent } from '@ledger/contracts';
import { loadMigrations, quoteIdent } from '@ledger/postgres';
import { readModelDigest } from '../../read-models/src/digest';
import { ReadModels, READ_MIGRATIONS_DIR } from '@ledger/read-models';

/** Creates the read-model tables in `schema` inside the caller's transaction. */
export async function createReadSchema(client: PoolClient, schema: string): Promise<void> {
  await client.query(`CREATE SCHEMA ${quoteIdent(schema)}`);
  await client.query(`SET LOCAL search_path TO ${quoteIdent(schema)}, public`);
  for (const m of loadMigrations(READ_MIGRATIONS_DIR)) await client.query(m.sql);
}

/**
 * Creates the read-model tables as temporary tables of this session, inside the caller's
 * transaction, and answers the name of the session's temporary schema. Needs only the TEMP right,
 * so `ledger verify` runs on the auditor role, which may create no schema.
 */
export async function createScratchReadSchema(client: PoolClient): Promise<string> {
  await client.query(`SET LOCAL search_path TO pg_temp, public`);
  for (const m of loadMigrations(READ_MIGRATIONS_DIR)) await client.query(m.sql);
  const { rows } = await client.query(`SELECT nspname FROM pg_namespace WHERE oid = pg_my_temp_schema()`);
  return rows[0].nspname as string;
}

/**
 * Folds every applied journal row, in log order, into `schema` — a fresh copy of the read models
 * from the recorded facts alone. Runs inside the caller's transaction (a snapshot), in chunks.
 */
export async function foldJournalInto(client: PoolClient, schema: string, onProgress?: (n: number) => void, chunk = 2_000): Promise<number> {
  const models = new ReadModels(schema);
  let after: [number, string] = [-1, '-1'];
  let total = 0;
  for (;;) {
    const { rows } = await client.query(
      `SELECT j.partition, j."offset"::text AS offset, j.recorded_at, j.envelope FROM ledger.journal j
        WHERE j.disposition = 'applied' AND (j.partition, j."offset") > ($1, $2::bigint) ORDER BY j.partition, j."offset" LIMIT $3`,
      [after[0], after[1], chunk],
    );
    if (!rows.length) return total;
    const events: RecordedEvent[] = rows.map((r) => ({ ...r.envelope, recordedAt: (r.recorded_at as Date).toISOString(), partition: r.partition, offset: r.offset }));
    await models.apply(client, events);
    total += rows.length;
    onProgress?.(rows.length);
    after = [rows[rows.length - 1].partition, rows[rows.length - 1].offset];
  }
}

/**
 * The first row that differs between two schemas' copies of a table (from either side), as text.
 * Rows compare as their text, as the digest compares them: a `json` column (events_v1.voices) has
 * no equality operator for EXCEPT to use.
 */
export async function firstDifference(client: PoolClient, table: string, live: string, fresh: string): Promise<string | null> {
  const t = (s: string) => `${quoteIdent(s)}.${quoteIdent(table)}`;
  const { rows } = await client.query(
    `(SELECT 'live' AS side, d.row FROM (SELECT x::text AS row FROM ${t(live)} x EXCEPT ALL SELECT y::text FROM ${t(fresh)} y) d ORDER BY 2 LIMIT 1)
     UNION ALL
     (SELECT 'fresh fold', d.row FROM (SELECT y::text AS row FROM ${t(fresh)} y EXCEPT ALL SELECT x::text FROM ${t(live)} x) d ORDER BY 2 LIMIT 1)`,
  );
  return rows.length ? rows.map((r) => `${r.side}: ${r.row}`).join(' | ') : null;
}

export { readModelDigest };
