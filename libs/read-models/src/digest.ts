import { Pool, PoolClient } from 'pg';
import { READ_SCHEMA } from './schemas';

/**
 * A digest of every read-model table of a schema (a session's temporary one too; md5 of the sorted md5s of its rows): equal
 * digests mean byte-identical read models. Used by tests, `ledger verify` and replays.
 */
export async function readModelDigest(db: Pool | PoolClient, schema = READ_SCHEMA): Promise<Record<string, string>> {
  const { rows: tables } = await db.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type IN ('BASE TABLE', 'LOCAL TEMPORARY') AND table_name ~ '_v[0-9]+$' ORDER BY table_name`,
    [schema],
  );
  const out: Record<string, string> = {};
  for (const { table_name } of tables) {
    const ident = `"${schema.replace(/"/g, '""')}"."${String(table_name).replace(/"/g, '""')}"`;
    // The md5 of each row, sorted, then of them all: aggregating the rows' own text hit
    // PostgreSQL's 1 GB limit on one value ("out of memory") at 700,000 replayed events.
    const { rows } = await db.query(`SELECT md5(coalesce(string_agg(h, '' ORDER BY h COLLATE "C"), '')) AS d FROM (SELECT md5(t::text) AS h FROM ${ident} t) r`);
    out[table_name] = rows[0].d;
  }
  return out;
}
