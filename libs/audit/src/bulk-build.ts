import { Pool, PoolClient, types } from 'pg';
import { AHEAD_TYPES, EVENT_TABLES, EventRow, EventTable, knownRow, LogFold, STATE_TABLES } from '@ledger/read-models';
import { CopyBuffer, copyLines, CopyColumns, quoteIdent, transaction } from '@ledger/postgres';

/** Which journal records a bulk build folds. */
export interface BuildScope {
  /** Only records before these offsets (per partition; a partition not named: all of it). */
  toOffsets?: Map<number, string>;
  /** Only records the ledger had recorded by this time. */
  knownAt?: Date;
}

export interface BuildProgress {
  /**
   * read: the records that change others (modifiers, registry, threats); fold: every record in log
   * order, its own rows written as it goes; write: the tables of state; index: every index (primary
   * keys too), and ANALYZE.
   */
  phase: 'read' | 'fold' | 'write' | 'index';
  /** Records read, events folded, rows written of the tables of state, or indexes built so far. */
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
  /**
   * Seconds per phase: reading the records ahead, folding the log (reading it, folding and COPY of
   * each event's own rows, overlapped), folding and writing the tables of state, building indexes
   * and ANALYZE.
   */
  seconds: { read: number; fold: number; write: number; index: number };
}

const READ_CHUNK = 2_000;
const COPY_CHUNK = 4_000;

/** What bulkLoad leaves for bulkIndex: the rows are in, the indexes and statistics still to build. */
export interface LoadedBuild extends Omit<BuildResult, 'seconds'> {
  seconds: Omit<BuildResult['seconds'], 'index'>;
  /** The tables written, and every index bulkLoad dropped, to be built again. */
  tables: string[];
  indexes: BuiltIndex[];
}

/**
 * A replay as a bulk build: the journal's applied records are folded in memory with the read
 * models' own row functions (LogFold: the same fold a knownAt query runs) and written with COPY
 * into `schema`'s tables without any index, primary keys included; the indexes are built
 * afterwards (a primary key still refuses a duplicate then, failing the build) and every table is
 * analysed. All of it in the caller's transaction (`client`); a replay commits the rows first and
 * builds the indexes on two connections at once (bulkLoad, then bulkIndex).
 */
export async function bulkBuild(pool: Pool, client: PoolClient, schema: string, scope: BuildScope = {}, onProgress?: (p: BuildProgress) => void): Promise<BuildResult> {
  const loaded = await bulkLoad(pool, client, schema, scope, onProgress);
  return bulkIndex([client], schema, loaded, onProgress);
}

/**
 * The rows of a bulk build, without any index: the records ahead first (modifiers, registry,
 * threats: few), then every record in log order, a chunk at a time, each chunk's own rows (events,
 * statements, tones, position events) sent by COPY while the next chunk is read and folded, so
 * PostgreSQL stores one chunk while Node folds the next and memory holds only what the tables of
 * state need (written at the end). The journal is read on a connection of its own (`pool`), in one
 * REPEATABLE READ snapshot for both passes, so a read waits for no COPY. Writes in the caller's
 * transaction (`client`), on a schema the migrations just made and nothing has written to: a crash
 * rolls it all back, and a replay started again begins afresh.
 */
export async function bulkLoad(pool: Pool, client: PoolClient, schema: string, scope: BuildScope = {}, onProgress?: (p: BuildProgress) => void): Promise<LoadedBuild> {
  return writeState(client, schema, await foldEvents(pool, client, schema, scope, onProgress), onProgress);
}

/**
 * A replay's bulk build: bulkLoad and bulkIndex, overlapped. The tables of events are committed as
 * soon as the log is folded (`client`'s first transaction), and their indexes (the statements'
 * search index first, the costliest) start on a second connection while Node folds and writes the
 * tables of state (`client`'s second transaction), without parallel workers: that phase is Node's,
 * and left PostgreSQL about half a core idle. Then both connections build what is left. Each transaction commits rows into a schema
 * nobody reads yet (the caller marks it unfinished until the end); a crash between them leaves it
 * unfinished, and the next replay into it makes it afresh.
 */
export async function bulkReplay(pool: Pool, client: PoolClient, schema: string, scope: BuildScope = {}, onProgress?: (p: BuildProgress) => void): Promise<BuildResult> {
  const events = await transaction(client, () => foldEvents(pool, client, schema, scope, onProgress));
  const second = await pool.connect();
  let indexing = false;
  const builds = new IndexBuilds((ix) => indexing && onProgress?.({ phase: 'index', done: builds.built, item: ix.name }));
  const ofEvents = (ix: BuiltIndex) => (EVENT_TABLES as readonly string[]).includes(ix.table);
  try {
    builds.add(events.indexes.filter(ofEvents), await tableSizes(client, schema, [...EVENT_TABLES]));
    builds.alone = true;
    const early = handled(builds.on(second));
    let loaded: LoadedBuild;
    try {
      loaded = await transaction(client, () => writeState(client, schema, events, onProgress));
    } catch (e) {
      builds.stop();
      await early.catch(() => undefined);
      throw e;
    }
    const clock = stopwatch();
    indexing = true;
    builds.alone = false;
    onProgress?.({ phase: 'index', done: builds.built });
    const sizes = await tableSizes(client, schema, loaded.tables);
    builds.add(
      loaded.indexes.filter((ix) => !ofEvents(ix)),
      sizes,
    );
    // `second` goes on with what it was building (or starts again, had it run out), `client` joins.
    await settled([builds.on(client), early.then(() => builds.on(second))]);
    await attachAndAnalyze([client, second], schema, loaded, sizes);
    return { ...loaded, seconds: { ...loaded.seconds, index: clock() } };
  } finally {
    await builds.release();
    second.release();
  }
}

/** What foldEvents leaves for writeState: the fold of the whole log, its events' own rows written. */
interface FoldedEvents {
  fold: LogFold;
  events: number;
  positions: Map<number, string>;
  rows: Record<string, number>;
  seconds: { read: number; fold: number };
  tables: Map<string, CopyColumns>;
  indexes: BuiltIndex[];
}

/** The read and fold phases of bulkLoad: every index dropped, the log folded and each event's own rows written. */
async function foldEvents(pool: Pool, client: PoolClient, schema: string, scope: BuildScope, onProgress?: (p: BuildProgress) => void): Promise<FoldedEvents> {
  const reader = await pool.connect();
  try {
    await reader.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    return await foldLog(reader, client, schema, scope, onProgress);
  } finally {
    await reader.query('ROLLBACK').catch(() => undefined);
    reader.release();
  }
}

async function foldLog(reader: PoolClient, client: PoolClient, schema: string, scope: BuildScope, onProgress?: (p: BuildProgress) => void): Promise<FoldedEvents> {
  const clock = stopwatch();
  const tables = await tableColumns(client, schema);
  for (const table of tables.keys()) {
    if (!(EVENT_TABLES as readonly string[]).includes(table) && !(STATE_TABLES as readonly string[]).includes(table))
      throw new Error(`the bulk build cannot derive ${schema}.${table}: a read-model table the in-memory fold does not know`);
  }
  // No table keeps an index while it is written, not even its primary key: PostgreSQL inserting
  // each row into a btree costs more than sorting the table once after (a million events: the
  // events' key 1.8 s during the COPY against 0.7 s to build it after; the tones' 1.7 s against
  // 0.9 s), and a build after uses PostgreSQL's parallel workers while Node has nothing left to
  // do. Tried: the tables of events keeping their other indexes through the COPY. At 200,000
  // events the replay took 1.5 s less; at a million PostgreSQL spent 53.5 µs per event in that
  // phase instead of 31.8, more than the 8.5 µs the builds after it saved (bench run 22:48Z in
  // docs/benchmarks.md).
  const indexes = await indexesOf(client, schema);
  for (const ix of indexes) await client.query(ix.drop);
  // Each phase reports when it begins (the bench charges CPU between two phase starts), then as it goes.
  onProgress?.({ phase: 'read', done: 0 });
  const ahead = await readAhead(reader, scope);
  onProgress?.({ phase: 'read', done: ahead.length });
  const fold = new LogFold(ahead);
  const read = clock();

  onProgress?.({ phase: 'fold', done: 0 });
  const written: Record<string, number> = {};
  const own = new Map<EventTable, ChunkWriter>();
  for (const table of EVENT_TABLES) {
    const columns = tables.get(table);
    if (columns) own.set(table, new ChunkWriter(client, schema, table, columns));
  }
  const emit = (table: EventTable, row: Record<string, unknown>) => own.get(table)?.add(row);
  const positions = new Map<number, string>();
  let events = 0;
  // The next chunk is read, and this chunk's COPYs run, while this chunk is folded: one of each in flight.
  let next = handled(readChunk(reader, scope, [-1, '-1']));
  let copying: Promise<unknown> = Promise.resolve();
  for (;;) {
    const chunk = await next;
    if (!chunk.length) break;
    const last = chunk[chunk.length - 1];
    next = handled(readChunk(reader, scope, [last[0], last[1]]));
    fold.add(parsedRows(chunk), emit);
    for (const r of chunk) positions.set(r[0], r[1]);
    events += chunk.length;
    await copying;
    copying = handled(flushAll([...own.values()]));
    onProgress?.({ phase: 'fold', done: events });
  }
  await copying;
  for (const [table, w] of own) written[table] = w.rows;
  const folded = clock();
  return { fold, events, positions, rows: written, seconds: { read, fold: folded }, tables, indexes };
}

/** The write phase of bulkLoad: the tables of state, from the fold of the whole log. */
async function writeState(client: PoolClient, schema: string, folded: FoldedEvents, onProgress?: (p: BuildProgress) => void): Promise<LoadedBuild> {
  const clock = stopwatch();
  const { fold, tables } = folded;
  const written = { ...folded.rows };
  onProgress?.({ phase: 'write', done: 0 });
  let total = 0;
  for (const table of STATE_TABLES) {
    const columns = tables.get(table);
    if (!columns) continue;
    written[table] = await copyInto(client, schema, table, columns, fold.state(table), (n) => onProgress?.({ phase: 'write', done: total + n, item: table }));
    total += written[table];
  }
  const write = clock();
  return { events: folded.events, positions: folded.positions, rows: written, seconds: { ...folded.seconds, write }, tables: [...tables.keys()], indexes: folded.indexes };
}

/**
 * The indexes bulkLoad dropped, built again, and every table analysed: on each of `connections`
 * at once (a connection takes the next statement as it finishes one, the costliest first), as the
 * other connections' transactions are theirs: the rows must be committed first, or be the one
 * connection's own. Each index is built as a plain index, a primary key or unique constraint
 * then attached to it (ALTER TABLE … USING INDEX, without a scan), so no statement takes a lock
 * that makes another table's build wait. Index builds are what PostgreSQL does alone at the end of
 * a replay: on one connection its one backend (and a B-tree's parallel workers) left a core of
 * these two idle for much of them (GIN builds have no parallel workers).
 */
export async function bulkIndex(connections: PoolClient[], schema: string, loaded: LoadedBuild, onProgress?: (p: BuildProgress) => void): Promise<BuildResult> {
  const clock = stopwatch();
  onProgress?.({ phase: 'index', done: 0 });
  const sizes = await tableSizes(connections[0], schema, loaded.tables);
  const builds = new IndexBuilds((ix) => onProgress?.({ phase: 'index', done: builds.built, item: ix.name }));
  builds.add(loaded.indexes, sizes);
  try {
    await settled(connections.map((c) => builds.on(c)));
  } finally {
    await builds.release();
  }
  await attachAndAnalyze(connections, schema, loaded, sizes);
  return { ...loaded, seconds: { ...loaded.seconds, index: clock() } };
}

/**
 * Index builds shared by connections: each connection takes the costliest build left as it
 * finishes one, with memory enough to sort in memory (INDEX_BUILD_MEMORY) until `release`. After a
 * failure (or `stop`) no build starts; the running ones finish.
 */
class IndexBuilds {
  private readonly left: { ix: BuiltIndex; cost: number }[] = [];
  private readonly raised = new Set<PoolClient>();
  /** The connections whose builds run without parallel workers now. */
  private readonly serial = new Set<PoolClient>();
  private stopped = false;
  built = 0;
  /**
   * Builds that start now run without B-tree parallel workers: while Node has work of its own, a
   * build's workers take the core it needs (the bulk replay's early builds).
   */
  alone = false;

  constructor(private readonly onBuilt: (ix: BuiltIndex) => void) {}

  add(indexes: BuiltIndex[], sizes: Map<string, number>): void {
    for (const ix of indexes) this.left.push({ ix, cost: buildCost(ix, sizes) });
    this.left.sort((a, b) => b.cost - a.cost);
  }

  /** Builds on `c` until none is left; rejects with the build that failed. */
  async on(c: PoolClient): Promise<void> {
    if (!this.raised.has(c)) {
      this.raised.add(c);
      await c.query(`SELECT set_config('maintenance_work_mem', greatest(pg_size_bytes(current_setting('maintenance_work_mem')), pg_size_bytes($1))::text || 'B', false)`, [
        INDEX_BUILD_MEMORY,
      ]);
    }
    while (!this.stopped && this.left.length) {
      if (this.alone !== this.serial.has(c)) {
        await c.query(this.alone ? 'SET max_parallel_maintenance_workers = 0' : 'RESET max_parallel_maintenance_workers');
        if (this.alone) this.serial.add(c);
        else this.serial.delete(c);
      }
      const { ix } = this.left.shift()!;
      try {
        await c.query(ix.create);
      } catch (e) {
        this.stopped = true;
        throw e;
      }
      this.built++;
      this.onBuilt(ix);
    }
  }

  stop(): void {
    this.stopped = true;
  }

  /** The connections' own memory setting again. */
  async release(): Promise<void> {
    for (const c of this.raised) await c.query('RESET maintenance_work_mem').catch(() => undefined);
    for (const c of this.serial) await c.query('RESET max_parallel_maintenance_workers').catch(() => undefined);
  }
}

/** The primary keys and unique constraints attached to their indexes, and every table analysed, the largest first. */
async function attachAndAnalyze(connections: PoolClient[], schema: string, loaded: LoadedBuild, sizes: Map<string, number>): Promise<void> {
  for (const ix of loaded.indexes) if (ix.attach) await connections[0].query(ix.attach);
  await onEach(
    connections,
    [...loaded.tables].sort((a, b) => sizes.get(b)! - sizes.get(a)!).map((table) => (c) => c.query(`ANALYZE ${quoteIdent(schema)}.${quoteIdent(table)}`)),
  );
}

/** Waits for every promise to settle, then rejects with the first failure, if any: nothing is left running on a connection about to be released. */
async function settled(work: Promise<unknown>[]): Promise<void> {
  const failure = (await Promise.allSettled(work)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;
}

/**
 * Runs `tasks` on `connections`, each connection taking the next task as it finishes one; after
 * a failure no new task starts, the running ones finish, and the first error is thrown.
 */
async function onEach(connections: PoolClient[], tasks: ((c: PoolClient) => Promise<unknown>)[]): Promise<void> {
  let next = 0;
  let failed = false;
  await settled(
    connections.map(async (c) => {
      while (!failed && next < tasks.length) {
        try {
          await tasks[next++](c);
        } catch (e) {
          failed = true;
          throw e;
        }
      }
    }),
  );
}

/**
 * What an index is expected to cost to build, to start the costliest first: its table's size,
 * times 4 for GIN (no parallel workers, an entry per element) and again for an expression (computed
 * for every row while building: the statements' search vector).
 */
function buildCost(ix: BuiltIndex, sizes: Map<string, number>): number {
  return sizes.get(ix.table)! * (/ USING gin /i.test(ix.create) ? 4 : 1) * (/\(\s*[a-z_]+\s*\(/i.test(ix.create) ? 4 : 1);
}

async function tableSizes(client: PoolClient, schema: string, tables: string[]): Promise<Map<string, number>> {
  const { rows } = await client.query(`SELECT t AS table, pg_relation_size(format('%I.%I', $1::text, t)) AS bytes FROM unnest($2::text[]) t`, [schema, tables]);
  return new Map(rows.map((r) => [r.table as string, Number(r.bytes)]));
}

/** Each writer's COPY, one after the other on their connection. */
async function flushAll(writers: ChunkWriter[]): Promise<void> {
  for (const w of writers) await w.flush();
}

/** A promise whose rejection is handled until it is awaited: a chunk read or COPY that fails while another step throws does not go unhandled. */
function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/** The scope's conditions on the journal's records (alias j), from parameter $1 on. */
function scopeFilter(scope: BuildScope): { sql: string; params: unknown[] } {
  return {
    sql: `($1::timestamptz IS NULL OR j.recorded_at <= $1)
          AND ($2::jsonb IS NULL OR j."offset" < coalesce(($2::jsonb->>(j.partition::text))::bigint, 9223372036854775807))`,
    params: [scope.knownAt ?? null, scope.toOffsets ? JSON.stringify(Object.fromEntries(scope.toOffsets)) : null],
  };
}

const JOURNAL_COLUMNS = `j.partition, j."offset"::text AS offset, j.event_id, j.type, j.recorded_at, j.envelope`;

/** The records LogFold needs ahead of the log, from the journal's index of them (ledger migration 0008). */
async function readAhead(client: PoolClient, scope: BuildScope): Promise<EventRow[]> {
  const filter = scopeFilter(scope);
  const types = AHEAD_TYPES.map((t) => `'${t.replace(/'/g, "''")}'`).join(', ');
  const { rows } = await client.query(
    `SELECT ${JOURNAL_COLUMNS} FROM ledger.journal j
      WHERE j.disposition = 'applied' AND j.type IN (${types}) AND ${filter.sql}
      ORDER BY j.partition, j."offset"`,
    filter.params,
  );
  return rows.map(knownRow);
}

/** A journal record as read, its envelope still JSON text: JOURNAL_COLUMNS in order. */
type RawRecord = [partition: number, offset: string, eventId: string, type: string, recordedAt: Date, envelope: string];

/** The pg client's parsers, but jsonb left as its text: parsed one record at a time as the fold reaches it. */
const JSONB_AS_TEXT = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') => (oid === JSONB_OID ? (text: string) => text : types.getTypeParser(oid, format)),
};
const JSONB_OID = 3802;

/**
 * The next applied records in scope after `after` (partition, offset), in log order, their
 * envelopes unparsed. A chunk waits while the one before is folded: as objects, its envelopes would
 * be copied by every young-generation collection meanwhile; as text, each is one string, and the
 * objects of its envelope live only while that record is folded.
 */
async function readChunk(client: PoolClient, scope: BuildScope, after: [number, string]): Promise<RawRecord[]> {
  const filter = scopeFilter(scope);
  const { rows } = await client.query<RawRecord>({
    text: `SELECT ${JOURNAL_COLUMNS} FROM ledger.journal j
      WHERE j.disposition = 'applied' AND (j.partition, j."offset") > ($3, $4::bigint) AND ${filter.sql}
      ORDER BY j.partition, j."offset" LIMIT $5`,
    values: [...filter.params, after[0], after[1], READ_CHUNK],
    rowMode: 'array',
    types: JSONB_AS_TEXT,
  });
  return rows;
}

/** The records of a chunk as the fold reads them, each envelope parsed when the fold asks for its record. */
function* parsedRows(chunk: RawRecord[]): Generator<EventRow> {
  for (const r of chunk) yield knownRow({ partition: r[0], offset: r[1], event_id: r[2], type: r[3], recorded_at: r[4], envelope: JSON.parse(r[5]) });
}

/** One table's COPY lines of a chunk: formatted and encoded as the rows come, sent by one COPY per chunk. */
class ChunkWriter {
  private readonly sql: string;
  private readonly lines = new CopyBuffer();
  rows = 0;

  constructor(
    private readonly client: PoolClient,
    schema: string,
    table: string,
    private readonly columns: CopyColumns,
  ) {
    this.sql = `COPY ${quoteIdent(schema)}.${quoteIdent(table)} (${columns.list}) FROM STDIN`;
  }

  add(row: Record<string, unknown>): void {
    this.lines.addRow(row, this.columns);
  }

  /** Sends what was added since the last flush; answers once PostgreSQL has taken it. */
  flush(): Promise<void> {
    const pending = this.lines.lines;
    if (!pending) return Promise.resolve();
    this.rows += pending;
    return copyLines(this.client, this.sql, this.lines.take());
  }
}

/** The read-model tables of `schema` and the columns COPY fills (generated ones are computed by PostgreSQL). */
async function tableColumns(client: PoolClient, schema: string): Promise<Map<string, CopyColumns>> {
  const { rows } = await client.query(
    `SELECT c.table_name, c.column_name, c.udt_name FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = $1 AND t.table_type = 'BASE TABLE' AND c.table_name ~ '_v[0-9]+$' AND c.is_generated = 'NEVER'
      ORDER BY c.table_name, c.ordinal_position`,
    [schema],
  );
  const byTable = new Map<string, Record<string, string>>();
  for (const r of rows) byTable.set(r.table_name, { ...byTable.get(r.table_name), [r.column_name]: r.udt_name });
  return new Map([...byTable].map(([table, columns]) => [table, new CopyColumns(columns)]));
}

interface BuiltIndex {
  name: string;
  table: string;
  drop: string;
  /** Builds the index (a constraint's index too, as a plain unique index). */
  create: string;
  /** Makes a primary key or unique constraint of the index built (null: a plain index). */
  attach: string | null;
}

/**
 * Every index of the read-model tables, primary keys and unique constraints too (dropped as
 * constraints, built as unique indexes and attached as constraints again, so the schema ends as
 * the migrations made it): dropped before the COPY, built after it.
 */
async function indexesOf(client: PoolClient, schema: string): Promise<BuiltIndex[]> {
  const { rows } = await client.query(
    `SELECT i.indexname AS name, i.tablename AS table, i.indexdef AS definition, c.contype AS kind
       FROM pg_indexes i
       LEFT JOIN pg_constraint c ON c.conname = i.indexname AND c.contype IN ('p', 'u')
        AND c.connamespace = (SELECT oid FROM pg_namespace WHERE nspname = $1)
      WHERE i.schemaname = $1 AND i.tablename ~ '_v[0-9]+$'
      ORDER BY c.oid IS NULL, i.indexname`,
    [schema],
  );
  return rows.map((r) => {
    const table = `${quoteIdent(schema)}.${quoteIdent(r.table)}`;
    const constraint = r.kind ? `${r.kind === 'p' ? 'PRIMARY KEY' : 'UNIQUE'} USING INDEX ${quoteIdent(r.name)}` : null;
    return {
      name: r.name,
      table: r.table,
      drop: constraint ? `ALTER TABLE ${table} DROP CONSTRAINT ${quoteIdent(r.name)}` : `DROP INDEX ${quoteIdent(schema)}.${quoteIdent(r.name)}`,
      create: r.definition,
      attach: constraint && `ALTER TABLE ${table} ADD CONSTRAINT ${quoteIdent(r.name)} ${constraint}`,
    };
  });
}

/**
 * Memory for the index builds, on each building connection until its builds are done: sorting a
 * million rows' keys in memory instead of in temporary files, and a GIN index gathering its entries
 * in fewer passes. A server configured higher keeps its own setting.
 */
const INDEX_BUILD_MEMORY = '256MB';

/**
 * Writes `rows` into `table`, a COPY per COPY_CHUNK rows: the rows are formatted as they come (a
 * table of state may be a generator whose rows die young) and one chunk's COPY runs while the next
 * is formatted.
 */
async function copyInto(
  client: PoolClient,
  schema: string,
  table: string,
  columns: CopyColumns,
  rows: Iterable<Record<string, unknown>>,
  progress: (n: number) => void,
): Promise<number> {
  const writer = new ChunkWriter(client, schema, table, columns);
  let copying: Promise<unknown> = Promise.resolve();
  let count = 0;
  for (const row of rows) {
    writer.add(row);
    if (++count % COPY_CHUNK === 0) {
      await copying;
      copying = handled(writer.flush());
      progress(count);
    }
  }
  await copying;
  await writer.flush();
  progress(count);
  return writer.rows;
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
