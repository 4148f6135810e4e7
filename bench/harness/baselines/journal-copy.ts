import { createReadStream, createWriteStream, rmSync, statSync, WriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Pool } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { copyValue } from '@ledger/postgres';
import { cpuWindow } from '../measure/cpu';
import { backendPid, BackendMeter } from '../measure/backend-cpu';
import type { CpuUse, Watched } from '../types';
import { worldJournalRows } from '../world/journal-build';
import { WorldOptions } from '../world/world';

const SCRATCH = 'bench_journal_copy';

/**
 * The table the baseline fills: today's journal (libs/ledger-store/src/migrations/0001_journal.sql),
 * its columns and its three indexes, written out here rather than copied from `ledger.journal`: the
 * floor must not move when the read side adds columns or indexes to the journal (those are the
 * projection's cost, not the baseline's).
 */
const TABLE_DDL = [
  `CREATE TABLE ${SCRATCH}.journal (
     partition int NOT NULL, "offset" bigint NOT NULL, event_id uuid,
     disposition text NOT NULL CHECK (disposition IN ('applied', 'duplicate', 'rejected')),
     type text, occurred_start timestamptz, recorded_at timestamptz NOT NULL, content_sha256 text, envelope jsonb, hash bytea NOT NULL,
     PRIMARY KEY (partition, "offset"))`,
  `CREATE UNIQUE INDEX journal_applied_event_id ON ${SCRATCH}.journal (event_id) WHERE disposition = 'applied'`,
  `CREATE INDEX journal_event_id ON ${SCRATCH}.journal (event_id)`,
];

export interface JournalCopyResult {
  rows: number;
  bytes: number;
  seconds: number;
  /** Rows per second: the events per second of storing each event once. */
  perSecond: number;
  /** CPU of the PostgreSQL backend that ran the COPY, µs per row. */
  postgresMicrosPerRow: number;
  cpu: CpuUse;
  topOthers: string[];
}

export interface JournalCopySpec {
  world: WorldOptions;
  records: number;
  publisher: string;
  partitions: number;
  /** Where the COPY text is written first (untimed), then deleted. */
  dir: string;
  watch: Watched;
  log(line: string): void;
}

/** Measured once per size in a run: the projection and the replay of the same size share it. */
const measured = new Map<string, Promise<JournalCopyResult>>();

/**
 * Baseline "journal COPY": `COPY … FROM STDIN` (pg-copy-streams, text format) of `records` journal
 * rows, one per event of the bench world (the rows the projector journals: partition and offset
 * from Kafka's partitioner, hash chain, content hash, the envelope as jsonb), into a fresh table
 * with the journal's columns and only its three indexes (primary key, event id, unique applied event
 * id), on one connection. The rows are written to a file first, untimed. The cost of storing each
 * event once: the floor any event store pays on this machine. Measured once per size and run.
 */
export function journalCopy(pool: Pool, spec: JournalCopySpec): Promise<JournalCopyResult> {
  const key = `${spec.world.events}:${spec.records}:${spec.partitions}`;
  let result = measured.get(key);
  if (!result) {
    result = measureJournalCopy(pool, spec);
    measured.set(key, result);
    result.catch(() => measured.delete(key));
  }
  return result;
}

async function measureJournalCopy(pool: Pool, spec: JournalCopySpec): Promise<JournalCopyResult> {
  const file = join(spec.dir, `journal-copy-${spec.records}.txt`);
  spec.log(`journal COPY: formatting ${spec.records} journal rows (untimed)`);
  await writeRows(spec, createWriteStream(file, { highWaterMark: 1 << 20 }));
  const bytes = statSync(file).size;
  await pool.query(`DROP SCHEMA IF EXISTS ${SCRATCH} CASCADE`);
  await pool.query(`CREATE SCHEMA ${SCRATCH}`);
  for (const ddl of TABLE_DDL) await pool.query(ddl);
  const client = await pool.connect();
  try {
    const backend = new BackendMeter(await backendPid(client));
    spec.log(`journal COPY: COPY of ${spec.records} rows (${Math.round(bytes / 1e6)} MB)`);
    const endCpu = cpuWindow(spec.watch, 'bench');
    const started = process.hrtime.bigint();
    const sink = client.query(copyFrom(`COPY ${SCRATCH}.journal FROM STDIN`));
    await pipeline(createReadStream(file, { highWaterMark: 1 << 20 }), sink);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = endCpu();
    const postgres = backend.read();
    const rows = Number(sink.rowCount);
    if (rows !== spec.records) throw new Error(`journal COPY wrote ${rows} rows, expected ${spec.records}`);
    return { rows, bytes, seconds, perSecond: rows / seconds, postgresMicrosPerRow: (postgres / rows) * 1e6, cpu: cpu.use, topOthers: cpu.topOthers };
  } finally {
    client.release();
    rmSync(file, { force: true });
    await pool.query(`DROP SCHEMA IF EXISTS ${SCRATCH} CASCADE`);
  }
}

/** The journal rows of the world's first `records` events as COPY text, one line each. */
async function writeRows(spec: JournalCopySpec, out: WriteStream): Promise<void> {
  let lines: string[] = [];
  const flush = async () => {
    if (!out.write(lines.join(''))) await new Promise<void>((ok) => out.once('drain', () => ok()));
    lines = [];
  };
  for (const row of worldJournalRows(spec)) {
    const cells = [
      String(row.partition),
      row.offset,
      row.eventId ?? '\\N',
      row.disposition,
      copyValue(row.type, 'text'),
      row.occurredStart ?? '\\N',
      row.recordedAt,
      row.contentSha256 ?? '\\N',
      copyValue(row.envelope, 'jsonb'),
      `\\\\x${row.hash.toString('hex')}`,
    ];
    lines.push(cells.join('\t') + '\n');
    if (lines.length === 2_000) await flush();
  }
  await flush();
  await new Promise<void>((ok, fail) => out.end((e?: Error | null) => (e ? fail(e) : ok())));
}

/** One line for a scenario's notes: what the baseline is and what it measured. */
export function journalCopyNote(copy: JournalCopyResult): string {
  return `Journal COPY baseline: \`COPY … FROM STDIN\` (text format, one connection) of ${copy.rows.toLocaleString('en-US')} journal rows, one per event of the bench world (${Math.round(copy.bytes / copy.rows)} bytes each in COPY text: the envelope as jsonb, hash chain, content hash), into a fresh table with today's journal columns and only its three indexes (primary key, event id, unique applied event id): ${Math.round(copy.perSecond).toLocaleString('en-US')} rows/s, PostgreSQL backend ${copy.postgresMicrosPerRow.toFixed(1)} µs CPU per row. The cost of storing each event once; indexes the read side moves onto the journal count against the projection, not against this floor. Rows formatted into a file first, untimed; measured once per size in a run.`;
}
