import { createReadStream, createWriteStream, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Pool } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { quoteIdent } from '@ledger/postgres';
import { cpuWindow } from '../measure/cpu';
import type { CpuUse, Watched } from '../types';

export interface CopyResult {
  /** Rows copied, over every table. */
  rows: number;
  /** Tables that held rows. */
  tables: number;
  /** Rows per table (`schema.table`), most first. */
  perTable: { table: string; rows: number }[];
  bytes: number;
  seconds: number;
  /** Rows per second. */
  perSecond: number;
  cpu: CpuUse;
  topOthers: string[];
}

/** A table whose rows a COPY baseline writes again: `schema.table`. */
export interface CopySource {
  schema: string;
  table: string;
}

const SCRATCH = 'bench_copy';

/**
 * The floor of writing rows to PostgreSQL: `COPY … FROM STDIN` (text format) of the rows the
 * sources hold into fresh tables with the same columns, keys and indexes (`LIKE … INCLUDING ALL`),
 * one table after another on one connection, as one writer would. Each table is dumped to a file
 * in `dir` first, untimed; only the COPYs are timed. Files and tables go away afterwards.
 */
export async function copyRows(pool: Pool, sources: CopySource[], dir: string, watch: Watched): Promise<CopyResult> {
  const files: { source: CopySource; file: string; bytes: number }[] = [];
  const dump = await pool.connect();
  try {
    for (const [i, source] of sources.entries()) {
      const file = join(dir, `copy-${i}-${source.table}.txt`);
      await pipeline(dump.query(copyTo(`COPY ${qualified(source)} TO STDOUT`)), createWriteStream(file));
      const bytes = statSync(file).size;
      if (bytes) files.push({ source, file, bytes });
      else rmSync(file, { force: true });
    }
  } finally {
    dump.release();
  }
  await pool.query(`DROP SCHEMA IF EXISTS ${SCRATCH} CASCADE; CREATE SCHEMA ${SCRATCH}`);
  for (const [i, { source }] of files.entries()) await pool.query(`CREATE TABLE ${SCRATCH}.t${i} (LIKE ${qualified(source)} INCLUDING ALL)`);
  const client = await pool.connect();
  try {
    const endCpu = cpuWindow(watch, 'bench');
    const started = process.hrtime.bigint();
    const perTable: CopyResult['perTable'] = [];
    for (const [i, { file, source }] of files.entries()) {
      const sink = client.query(copyFrom(`COPY ${SCRATCH}.t${i} FROM STDIN`));
      await pipeline(createReadStream(file, { highWaterMark: 1 << 20 }), sink);
      perTable.push({ table: `${source.schema}.${source.table}`, rows: Number(sink.rowCount) });
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = endCpu();
    const bytes = files.reduce((n, f) => n + f.bytes, 0);
    const rows = perTable.reduce((n, t) => n + t.rows, 0);
    perTable.sort((a, b) => b.rows - a.rows);
    return { rows, tables: files.length, perTable, bytes, seconds, perSecond: rows / seconds, cpu: cpu.use, topOthers: cpu.topOthers };
  } finally {
    client.release();
    for (const { file } of files) rmSync(file, { force: true });
    await pool.query(`DROP SCHEMA IF EXISTS ${SCRATCH} CASCADE`);
  }
}

/** Every base table of `schema` except its migration bookkeeping. */
export async function schemaTables(pool: Pool, schema: string): Promise<CopySource[]> {
  const { rows } = await pool.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations' ORDER BY table_name`,
    [schema],
  );
  return rows.map((r) => ({ schema, table: r.table_name as string }));
}

function qualified(source: CopySource): string {
  return `${quoteIdent(source.schema)}.${quoteIdent(source.table)}`;
}

/**
 * The note that goes with a COPY baseline: what was copied (rows per event of each table, most
 * first) and how the figure is read. `who` is what wrote the rows ("projector", "replay").
 */
export function copyNote(copy: CopyResult, events: number, who: string): string {
  const perEvent = copy.perTable.map((t) => `${t.table.replace(/^[^.]+\./, '')} ${(t.rows / events).toFixed(2)}`).join(', ');
  return `The COPY baseline writes every row the ${who} left (rows per event: ${perEvent}) into empty tables made \`LIKE … INCLUDING ALL\` (same keys and indexes), one table after another on one connection; each table is dumped to a file first, untimed. Its events/s is the ${who}'s event count over the COPY's seconds: no ${who} that stores these rows can beat it on this machine.`;
}
