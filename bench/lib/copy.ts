import { createReadStream, createWriteStream, rmSync, statSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Pool } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { cpuWindow, CpuUse, Watched } from './cpu';

export interface CopyResult {
  rows: number;
  bytes: number;
  seconds: number;
  perSecond: number;
  cpu: CpuUse;
  topOthers: string[];
}

/**
 * The floor of writing rows to PostgreSQL: `COPY … FROM STDIN` of the journal's own rows (text
 * format, dumped to a file first, untimed) into a fresh table with the journal's columns, keys and
 * indexes (`LIKE ledger.journal INCLUDING ALL`). Only the COPY is timed; the file and the table go
 * away afterwards.
 */
export async function copyJournalRows(pool: Pool, file: string, watch: Watched): Promise<CopyResult> {
  const dump = await pool.connect();
  try {
    await pipeline(dump.query(copyTo(`COPY (SELECT * FROM ledger.journal ORDER BY partition, "offset") TO STDOUT`)), createWriteStream(file));
  } finally {
    dump.release();
  }
  const bytes = statSync(file).size;
  await pool.query(`DROP SCHEMA IF EXISTS bench_copy CASCADE; CREATE SCHEMA bench_copy; CREATE TABLE bench_copy.journal (LIKE ledger.journal INCLUDING ALL)`);
  const client = await pool.connect();
  try {
    const endCpu = cpuWindow(watch, 'bench');
    const started = process.hrtime.bigint();
    const sink = client.query(copyFrom(`COPY bench_copy.journal FROM STDIN`));
    await pipeline(createReadStream(file, { highWaterMark: 1 << 20 }), sink);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = endCpu();
    const rows = Number(sink.rowCount);
    return { rows, bytes, seconds, perSecond: rows / seconds, cpu: cpu.use, topOthers: cpu.topOthers };
  } finally {
    client.release();
    rmSync(file, { force: true });
    await pool.query(`DROP SCHEMA IF EXISTS bench_copy CASCADE`);
  }
}
