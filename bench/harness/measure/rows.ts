import { Pool } from 'pg';
import { quoteIdent } from '@ledger/postgres';
import type { Table } from '../types';
import { fmt } from '../report/format';

/** What one table holds after a run, and what was written to it. */
export interface TableRows {
  table: string;
  /** Rows it holds. */
  rows: number;
  /** Rows inserted and updated over its life (pg_stat_user_tables: n_tup_ins + n_tup_upd), rows deleted meanwhile included. */
  written: number;
}

export interface RowsPerEvent {
  events: number;
  tables: TableRows[];
  rows: number;
  written: number;
}

/**
 * Rows per event in every base table of the given schemas that holds or held rows (whatever tables
 * they have now: the read side adds and removes tables), or in the one table a source names: `count(*)` of each, and the inserts
 * and updates PostgreSQL counted for it (a row deleted and written again counts each time). Read
 * after the writers' connections have closed, so that their statistics have been reported.
 */
export async function rowsPerEvent(pool: Pool, sources: { schema: string; table?: string }[], events: number): Promise<RowsPerEvent> {
  const schemas = [...new Set(sources.map((s) => s.schema))];
  const wanted = (schema: string, name: string) => sources.some((s) => s.schema === schema && (s.table === undefined || s.table === name));
  const { rows: listed } = await pool.query(
    `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
      WHERE table_schema = ANY($1) AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations' ORDER BY table_schema, table_name`,
    [schemas],
  );
  const found = (listed as { schema: string; name: string }[]).filter((t) => wanted(t.schema, t.name));
  await pool.query('SELECT pg_stat_clear_snapshot()');
  const { rows: stats } = await pool.query(`SELECT schemaname AS schema, relname AS name, n_tup_ins + n_tup_upd AS written FROM pg_stat_user_tables WHERE schemaname = ANY($1)`, [
    schemas,
  ]);
  const writtenOf = new Map(stats.map((s) => [`${s.schema}.${s.name}`, Number(s.written)]));
  const tables: TableRows[] = [];
  for (const { schema, name } of found) {
    const { rows } = await pool.query(`SELECT count(*)::bigint AS n FROM ${quoteIdent(schema)}.${quoteIdent(name)}`);
    tables.push({ table: `${schema}.${name}`, rows: Number(rows[0].n), written: writtenOf.get(`${schema}.${name}`) ?? 0 });
  }
  tables.sort((a, b) => b.rows - a.rows || a.table.localeCompare(b.table));
  return { events, tables: tables.filter((t) => t.rows || t.written), rows: tables.reduce((n, t) => n + t.rows, 0), written: tables.reduce((n, t) => n + t.written, 0) };
}

export function rowsTable(title: string, r: RowsPerEvent): Table {
  const per = (n: number) => (n / r.events).toFixed(2);
  return {
    title,
    header: ['table', 'rows', 'rows/event', 'rows inserted + updated', 'per event'],
    rows: [...r.tables.map((t) => [t.table, fmt(t.rows), per(t.rows), fmt(t.written), per(t.written)]), ['total', fmt(r.rows), per(r.rows), fmt(r.written), per(r.written)]],
  };
}
