import { PoolClient } from 'pg';
import { DERIVE_ORDER, EventRow, KnownAt, KnownTable, knownRow } from '@ledger/read-models';
import { copyLines, copyRow, quoteIdent } from '@ledger/postgres';

/** Which journal records a bulk build folds. */
export interface BuildScope {
  /** Only records before these offsets (per partition; a partition not named: all of it). */
  toOffsets?: Map<number, string>;
  /** Only records the ledger had recorded by this time. */
  knownAt?: Date;
}

export interface BuildProgress {
  phase: 'read' | 'fold' | 'write' | 'index';
  /** Events read or folded so far, rows written so far, or indexes built so far. */
  done: number;
  /** The table being written or the index being built. */
  item?: string;
}

export interface BuildResult {
  events: number;
  /** The last offset folded of each partition (a catch-up folds from the next one). */
  positions: Map<number, string>;
  /** Rows written per table. */
  rows: Record<string, number>;
  /** Seconds per phase: reading the journal, folding in memory, COPY, building indexes and ANALYZE. */
  seconds: { read: number; fold: number; write: number; index: number };
}

const READ_CHUNK = 20_000;
const COPY_CHUNK = 4_000;

/**
 * A replay as a bulk build: the journal's applied records are read in log order, folded in
 * memory with the read models' own row functions (KnownAt: the same fold a knownAt query runs),
 * and written with COPY into `schema`'s tables with only their primary keys; the other indexes
 * are built afterwards and every table is analysed. Runs in the caller's transaction on a schema
 * the migrations just made and nothing has written to: a crash rolls it all back, and a replay
 * started again begins afresh.
 */
export async function bulkBuild(client: PoolClient, schema: string, scope: BuildScope = {}, onProgress?: (p: BuildProgress) => void): Promise<BuildResult> {
  const clock = stopwatch();
  const { rows, positions } = await readJournal(client, scope, (n) => onProgress?.({ phase: 'read', done: n }));
  const read = clock();
  // Each phase reports when it begins (the bench charges CPU between two phase starts), then as it goes.
  onProgress?.({ phase: 'fold', done: rows.length });
  const known = new KnownAt(scope.knownAt ?? new Date(8.64e15), rows);
  const fold = clock();

  const tables = await tableColumns(client, schema);
  const indexes = await secondaryIndexes(client, schema);
  for (const ix of indexes) await client.query(`DROP INDEX ${quoteIdent(schema)}.${quoteIdent(ix.name)}`);
  const written: Record<string, number> = {};
  let total = 0;
  onProgress?.({ phase: 'write', done: 0 });
  let foldSeconds = fold;
  let writeSeconds = 0;
  // DERIVE_ORDER first (the positions' history before their current rows); a table it does not name last, to fail below.
  const rank = (t: string) => (DERIVE_ORDER.includes(t as KnownTable) ? DERIVE_ORDER.indexOf(t as KnownTable) : DERIVE_ORDER.length);
  for (const [table, columns] of [...tables].sort((a, b) => rank(a[0]) - rank(b[0]))) {
    const t0 = process.hrtime.bigint();
    const data = known.derive(table as KnownTable) as Iterable<unknown> | undefined;
    if (!data) throw new Error(`the bulk build cannot derive ${schema}.${table}: a read-model table the in-memory fold does not know`);
    const t1 = process.hrtime.bigint();
    written[table] = await copyInto(client, schema, table, columns, data, (n) => onProgress?.({ phase: 'write', done: total + n, item: table }));
    total += written[table];
    foldSeconds += Number(t1 - t0) / 1e9;
    writeSeconds += Number(process.hrtime.bigint() - t1) / 1e9;
  }
  clock();
  onProgress?.({ phase: 'index', done: 0 });
  for (const [i, ix] of indexes.entries()) {
    await client.query(ix.definition);
    onProgress?.({ phase: 'index', done: i + 1, item: ix.name });
  }
  for (const table of tables.keys()) await client.query(`ANALYZE ${quoteIdent(schema)}.${quoteIdent(table)}`);
  const index = clock();
  return { events: rows.length, positions, rows: written, seconds: { read, fold: foldSeconds, write: writeSeconds, index } };
}

/** The journal's applied records in scope, in log order, as the fold reads them. */
async function readJournal(client: PoolClient, scope: BuildScope, progress: (n: number) => void) {
  const rows: EventRow[] = [];
  const positions = new Map<number, string>();
  let after: [number, string] = [-1, '-1'];
  for (;;) {
    const { rows: chunk } = await client.query(
      `SELECT j.partition, j."offset"::text AS offset, j.event_id, j.type, j.recorded_at, j.envelope FROM ledger.journal j
        WHERE j.disposition = 'applied' AND (j.partition, j."offset") > ($1, $2::bigint) AND ($3::timestamptz IS NULL OR j.recorded_at <= $3)
          AND ($4::jsonb IS NULL OR j."offset" < coalesce(($4::jsonb->>(j.partition::text))::bigint, 9223372036854775807))
        ORDER BY j.partition, j."offset" LIMIT $5`,
      [after[0], after[1], scope.knownAt ?? null, scope.toOffsets ? JSON.stringify(Object.fromEntries(scope.toOffsets)) : null, READ_CHUNK],
    );
    if (!chunk.length) return { rows, positions };
    for (const r of chunk) {
      rows.push(knownRow(r));
      positions.set(r.partition, r.offset);
    }
    progress(rows.length);
    const last = chunk[chunk.length - 1];
    after = [last.partition, last.offset];
  }
}

interface Column {
  name: string;
  type: string;
}

/** The read-model tables of `schema` and the columns COPY fills (generated ones are computed by PostgreSQL). */
async function tableColumns(client: PoolClient, schema: string): Promise<Map<string, Column[]>> {
  const { rows } = await client.query(
    `SELECT c.table_name, c.column_name, c.udt_name FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = $1 AND t.table_type = 'BASE TABLE' AND c.table_name ~ '_v[0-9]+$' AND c.is_generated = 'NEVER'
      ORDER BY c.table_name, c.ordinal_position`,
    [schema],
  );
  const out = new Map<string, Column[]>();
  for (const r of rows) out.set(r.table_name, [...(out.get(r.table_name) ?? []), { name: r.column_name, type: r.udt_name }]);
  return out;
}

/** Indexes other than primary keys and unique constraints: dropped before the COPY, built after it. */
async function secondaryIndexes(client: PoolClient, schema: string): Promise<{ name: string; definition: string }[]> {
  const { rows } = await client.query(
    `SELECT i.indexname AS name, i.indexdef AS definition FROM pg_indexes i
      WHERE i.schemaname = $1 AND i.tablename ~ '_v[0-9]+$'
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = $1 AND c.conname = i.indexname)
      ORDER BY i.indexname`,
    [schema],
  );
  return rows;
}

async function copyInto(client: PoolClient, schema: string, table: string, columns: Column[], rows: Iterable<unknown>, progress: (n: number) => void): Promise<number> {
  const names = columns.map((c) => c.name);
  const types = columns.map((c) => c.type);
  let count = 0;
  // Rows are formatted as they come (a derived table may be a generator: its rows die young) and
  // sent in chunks of COPY_CHUNK lines, each chunk one flat string.
  function* chunks() {
    let lines: string[] = [];
    for (const row of rows) {
      lines.push(copyRow(row as Record<string, unknown>, names, types));
      if (lines.length === COPY_CHUNK) {
        count += lines.length;
        yield lines.join('');
        lines = [];
        progress(count);
      }
    }
    if (lines.length) {
      count += lines.length;
      yield lines.join('');
      progress(count);
    }
  }
  await copyLines(client, `COPY ${quoteIdent(schema)}.${quoteIdent(table)} (${names.map(quoteIdent).join(', ')}) FROM STDIN`, chunks());
  return count;
}

function stopwatch(): () => number {
  let last = process.hrtime.bigint();
  return () => {
    const now = process.hrtime.bigint();
    const seconds = Number(now - last) / 1e9;
    last = now;
    return seconds;
  };
}
