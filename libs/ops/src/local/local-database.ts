import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Pool } from 'pg';
import { createPool, quoteIdent, startEmbeddedPostgres } from '@ledger/postgres';
import { LedgerConfig } from '@ledger/config';
import { readRuntime } from './runtime-file';

/** The ledger's database on embedded PostgreSQL (the server's own `postgres` database stays empty). */
export const LOCAL_DATABASE = 'ledger';

export interface OpenDatabase {
  url: string;
  pool: Pool;
  /** Where it came from, for the start banner: `DATABASE_URL`, `embedded PostgreSQL in …`, `the running ledger`. */
  origin: string;
  close(): Promise<void>;
}

/**
 * DATABASE_URL when set. Otherwise embedded PostgreSQL with its data in LEDGER_DATA_DIR/pg: the
 * one a running `ledger start` already serves (found through its runtime file), or a server
 * started here and stopped again by close().
 */
export async function openDatabase(config: LedgerConfig, poolSize = 10): Promise<OpenDatabase> {
  if (config.DATABASE_URL) {
    const pool = createPool(config.DATABASE_URL, { max: poolSize, prepare: config.LEDGER_DATABASE_PREPARE });
    return { url: config.DATABASE_URL, pool, origin: 'DATABASE_URL', close: () => pool.end() };
  }
  const running = await readRuntime(config.LEDGER_DATA_DIR);
  if (running) {
    const pool = createPool(running.databaseUrl, { max: poolSize });
    return { url: running.databaseUrl, pool, origin: `the running ledger (pid ${running.pid})`, close: () => pool.end() };
  }
  const dataDir = await clusterDir(config.LEDGER_DATA_DIR);
  const server = await startEmbeddedPostgres({ dataDir });
  const admin = new Pool({ connectionString: server.url, max: 1 });
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [LOCAL_DATABASE]);
    if (!exists.rowCount) await admin.query(`CREATE DATABASE ${quoteIdent(LOCAL_DATABASE)}`);
  } finally {
    await admin.end();
  }
  const url = new URL(server.url);
  url.pathname = '/' + LOCAL_DATABASE;
  const pool = createPool(url.toString(), { max: poolSize });
  return {
    url: url.toString(),
    pool,
    origin: `embedded PostgreSQL in ${server.dataDir}`,
    close: async () => {
      await pool.end();
      await server.stop();
    },
  };
}

/**
 * Where the embedded cluster lives: LEDGER_DATA_DIR/pg. (As root, startEmbeddedPostgres moves it to a
 * shared folder when the postgres user cannot reach it; a `pg-location` note left by earlier versions
 * for the same reason is still honoured.)
 */
async function clusterDir(dataDir: string): Promise<string> {
  const home = resolve(dataDir);
  await mkdir(home, { recursive: true });
  const noted = (await readFile(join(home, 'pg-location'), 'utf8').catch(() => '')).trim();
  return noted || join(home, 'pg');
}
