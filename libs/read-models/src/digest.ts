import { Pool, PoolClient } from 'pg';
import { READ_SCHEMA } from './schemas';

/**
 * A digest of every read-model table of a schema (md5 of its rows in a total order): equal digests
 * mean byte-identical read models. Used by tests, `ledger verify` and replays.
 */
export async function readModelDigest(db: Pool | PoolClient, schema = READ_SCHEMA): Promise<Record<string, string>> {
  const { rows: tables } = await db.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' AND table_name ~ '_v[0-9]+$' ORDER BY table_name`,
    [schema],
  );
  const out: Record<string, string> = {};
  for (const { table_name } of tables) {
    const ident = `"${schema.replace(/"/g, '""')}"."${String(table_name).replace(/"/g, '""')}"`;
    const { rows } = await db.query(`SELECT md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text COLLATE "C"), '')) AS d FROM ${ident} t`);
    out[table_name] = rows[0].d;
  }
  return out;
}
