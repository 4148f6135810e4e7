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
  // Nothing to do writes nothing: a read-only role (the auditor reading the embedded log) may call this.
  if (await upToDate(pool, schema, migrations)) return 0;
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

async function upToDate(pool: Pool, schema: string, migrations: Migration[]): Promise<boolean> {
  const { rows } = await pool.query(`SELECT to_regclass($1) IS NOT NULL AS present`, [`${quoteIdent(schema)}.schema_migrations`]);
  if (!rows[0].present) return false;
  const seen = await pool.query<{ version: number }>(`SELECT version FROM ${quoteIdent(schema)}.schema_migrations`).catch(() => null);
  const versions = new Set(seen?.rows.map((r) => r.version));
  return migrations.every((m) => versions.has(m.version));
}

/** Quotes an SQL identifier (schema and table names built at run time). */
export function quoteIdent(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}
