import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Pool } from 'pg';
import { inTransaction } from './pool';

/** A numbered SQL file: `0001_journal.sql`. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function loadMigrations(dir: string): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, 4)), name: f, sql: readFileSync(join(dir, f), 'utf8') }));
}

/**
 * Applies the migrations of `dir` that `schema` has not seen yet, each in its own transaction,
 * with `search_path` set to the schema so the files use unqualified names. A transaction-scoped
 * advisory lock keeps concurrently starting processes from applying the same file twice.
 */
export async function migrate(pool: Pool, schema: string, dir: string): Promise<number> {
  const migrations = loadMigrations(dir);
  let applied = 0;
  for (const m of migrations) {
    const done = await inTransaction(pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`ledger-migrate:${schema}`]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${quoteIdent(schema)}.schema_migrations (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
      );
      const seen = await client.query(`SELECT 1 FROM ${quoteIdent(schema)}.schema_migrations WHERE version = $1`, [m.version]);
      if (seen.rowCount) return false;
      await client.query(`SET LOCAL search_path TO ${quoteIdent(schema)}, public`);
      await client.query(m.sql);
      await client.query(`INSERT INTO ${quoteIdent(schema)}.schema_migrations (version, name) VALUES ($1, $2)`, [m.version, m.name]);
      return true;
    });
    if (done) applied++;
  }
  return applied;
}

/** Quotes an SQL identifier (schema and table names built at run time). */
export function quoteIdent(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}
