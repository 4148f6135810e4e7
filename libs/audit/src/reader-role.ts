import { Pool, PoolClient } from 'pg';
import { quoteIdent } from '@ledger/postgres';
import { LEDGER_SCHEMA } from '@ledger/ledger-store';
import { READ_SCHEMA } from '@ledger/read-models';

/** The read-only role dashboards and the query API connect as. */
export const READER_ROLE = 'ledger_reader';

/**
 * Creates (or updates) a login role that can read the read models and the ledger's tables and
 * nothing else: USAGE and SELECT on the schemas' tables, and on tables created there later.
 */
export async function grantReaderRole(pool: Pool, role: string, password: string | undefined): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
    const pass = password ? ` PASSWORD ${literal(password)}` : '';
    await client.query(`${exists.rowCount ? 'ALTER' : 'CREATE'} ROLE ${quoteIdent(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE${pass}`);
    for (const schema of [LEDGER_SCHEMA, READ_SCHEMA]) await grantOnSchema(client, role, schema);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}

/** Gives the reader role (when it exists) read access to a schema — a replay's new one, too. */
export async function grantOnSchema(client: Pool | PoolClient, role: string, schema: string): Promise<void> {
  const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
  if (!exists.rowCount) return;
  const s = quoteIdent(schema);
  const r = quoteIdent(role);
  await client.query(`GRANT USAGE ON SCHEMA ${s} TO ${r}`);
  await client.query(`GRANT SELECT ON ALL TABLES IN SCHEMA ${s} TO ${r}`);
  await client.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA ${s} GRANT SELECT ON TABLES TO ${r}`);
}

function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
