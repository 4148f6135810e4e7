import { Pool, PoolClient } from 'pg';
import { quoteIdent } from '@ledger/postgres';
import { LEDGER_SCHEMA } from '@ledger/ledger-store';
import { READ_SCHEMA } from '@ledger/read-models';
import { EMBEDDED_LOG_SCHEMA } from '@ledger/log';

/** The role dashboards connect as: the read models (live and frozen copies) and nothing else. */
export const READER_ROLE = 'ledger_reader';
/** The role the query API, `ledger export` and `ledger verify` run as: the reader's rights plus the journal. */
export const AUDITOR_ROLE = 'ledger_auditor';

export type RoleKind = 'reader' | 'auditor';

/**
 * What a replay writes on each schema it creates (COMMENT ON SCHEMA): a replay drops and rebuilds
 * only a schema that carries it, so `--schema ledger` or `--schema log` can never drop the journal,
 * the tokens or the embedded log; the roles read every schema that carries it.
 */
export const REPLAY_MARKER = 'statement-ledger: read models built by ledger replay';

/**
 * The ledger's tables an auditor reads. Never `tokens` (tokens are checked through
 * ledger.token_principal(), which both roles may call); `rejections` without `raw` for nobody but
 * the auditor, who needs the raw bytes to recompute the hash chain.
 */
// live_feed: what the query API's stream announces (it runs as the auditor); meta: the public key.
const AUDITOR_TABLES = ['journal', 'rejections', 'checkpoints', 'verifications', 'consumer_offsets', 'ingest_receipts', 'live_feed', 'meta'];

/**
 * Creates (or updates) a login role without write rights anywhere:
 * - reader: USAGE and SELECT on the live read models and on every frozen copy a replay made
 *   (and on tables created there later); EXECUTE on the token lookup; nothing in the ledger's tables.
 * - auditor: the same, plus SELECT on the journal, rejections (raw bytes included), checkpoints,
 *   offsets, receipts, the live feed and meta (the public key), and on the embedded log when there is one; INSERT on `verifications`
 *   (where `ledger verify` records its result); TEMP, for verify's throwaway fold.
 * Neither reads `ledger.tokens`. TEMP is revoked from PUBLIC on this database, so other roles that
 * relied on the default lose it: grant it to them by name.
 */
export async function grantLedgerRole(pool: Pool, role: string, kind: RoleKind, password: string | undefined): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
    const pass = password ? ` PASSWORD ${literal(password)}` : '';
    await client.query(`${exists.rowCount ? 'ALTER' : 'CREATE'} ROLE ${quoteIdent(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE${pass}`);
    const r = quoteIdent(role);
    const { rows } = await client.query('SELECT current_database() AS db');
    const database = quoteIdent(rows[0].db);
    await client.query(`REVOKE TEMPORARY ON DATABASE ${database} FROM PUBLIC`);
    await client.query(`${kind === 'auditor' ? 'GRANT' : 'REVOKE'} TEMPORARY ON DATABASE ${database} ${kind === 'auditor' ? 'TO' : 'FROM'} ${r}`);
    // Earlier versions granted the reader every table of the ledger schema: take that back first.
    await client.query(`REVOKE ALL ON ALL TABLES IN SCHEMA ${quoteIdent(LEDGER_SCHEMA)} FROM ${r}`);
    await client.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA ${quoteIdent(LEDGER_SCHEMA)} REVOKE ALL ON TABLES FROM ${r}`);
    await client.query(`GRANT USAGE ON SCHEMA ${quoteIdent(LEDGER_SCHEMA)} TO ${r}`);
    await client.query(`GRANT EXECUTE ON FUNCTION ${quoteIdent(LEDGER_SCHEMA)}.token_principal(bytea) TO ${r}`);
    for (const schema of [READ_SCHEMA, ...(await frozenSchemas(client))]) await grantSchema(client, r, schema);
    if (kind === 'auditor') {
      for (const table of AUDITOR_TABLES) await client.query(`GRANT SELECT ON ${quoteIdent(LEDGER_SCHEMA)}.${quoteIdent(table)} TO ${r}`);
      await client.query(`GRANT INSERT ON ${quoteIdent(LEDGER_SCHEMA)}.verifications TO ${r}`);
      await client.query(`GRANT USAGE ON SEQUENCE ${quoteIdent(LEDGER_SCHEMA)}.verifications_id_seq TO ${r}`);
      const log = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [EMBEDDED_LOG_SCHEMA]);
      if (log.rowCount) {
        await client.query(`GRANT USAGE ON SCHEMA ${quoteIdent(EMBEDDED_LOG_SCHEMA)} TO ${r}`);
        await client.query(`GRANT SELECT ON ALL TABLES IN SCHEMA ${quoteIdent(EMBEDDED_LOG_SCHEMA)} TO ${r}`);
      }
    }
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}

/** The reader role (`ledger db grant-reader`). */
export function grantReaderRole(pool: Pool, role: string, password: string | undefined): Promise<void> {
  return grantLedgerRole(pool, role, 'reader', password);
}

/** Gives the reader and auditor roles (those that exist) read access to a schema of read models: a replay's new one. */
export async function grantReadModels(client: Pool | PoolClient, schema: string): Promise<void> {
  const { rows } = await client.query<{ rolname: string }>('SELECT rolname FROM pg_roles WHERE rolname = ANY($1)', [[READER_ROLE, AUDITOR_ROLE]]);
  for (const { rolname } of rows) await grantSchema(client, quoteIdent(rolname), schema);
}

async function grantSchema(client: Pool | PoolClient, role: string, schema: string): Promise<void> {
  const s = quoteIdent(schema);
  await client.query(`GRANT USAGE ON SCHEMA ${s} TO ${role}`);
  await client.query(`GRANT SELECT ON ALL TABLES IN SCHEMA ${s} TO ${role}`);
  await client.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA ${s} GRANT SELECT ON TABLES TO ${role}`);
}

/** Every schema a replay made (its comment is the replay's marker). */
async function frozenSchemas(client: PoolClient): Promise<string[]> {
  const { rows } = await client.query<{ nspname: string }>(`SELECT nspname FROM pg_namespace WHERE obj_description(oid, 'pg_namespace') = $1 ORDER BY nspname`, [REPLAY_MARKER]);
  return rows.map((r) => r.nspname);
}

function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
