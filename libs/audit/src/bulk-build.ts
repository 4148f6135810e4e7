import { Pool, PoolClient } from 'pg';
import { EVENT_TABLES, EventTable, LogFold, parsedRow, STATE_TABLES } from '@ledger/read-models';
import { CopyColumns, transaction } from '@ledger/postgres';
import { BuildScope, readAhead, readChunk, readTargets } from './journal-chunks';
import { attachAndAnalyze, BuiltIndex, IndexBuilds, indexesOf, settled, tableSizes } from './bulk-index';
import { ChunkWriter, copyInto, flushAll, handled, tableColumns } from './bulk-copy';

export type { BuildScope } from './journal-chunks';

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
 * search index first, the costliest) start on a second connection, without parallel workers, while
 * Node folds and writes the tables of state (`client`'s second transaction): that phase is Node's,
 * and left PostgreSQL about half a core idle. Then both connections build what is left. Each
 * transaction commits rows into a schema nobody reads yet (the caller marks it unfinished until the
 * end); a crash between them leaves it unfinished, and the next replay into it makes it afresh.
 */
export async function bulkReplay(pool: Pool, client: PoolClient, schema: string, scope: BuildScope = {}, onProgress?: (p: BuildProgress) => void): Promise<BuildResult> {
  const events = await transaction(client, () => foldEvents(pool, client, schema, scope, onProgress));
  const second = await pool.connect();
  let indexing = false;
  const builds = new IndexBuilds((ix) => indexing && onProgress?.({ phase: 'index', done: builds.built, item: ix.name }));
  const ofEvents = (ix: BuiltIndex) => (EVENT_TABLES as readonly string[]).includes(ix.table);
  let early: Promise<void> = Promise.resolve();
  try {
    builds.add(events.indexes.filter(ofEvents), await tableSizes(client, schema, [...EVENT_TABLES]));
    builds.alone = true;
    early = handled(builds.on(second));
    const loaded = await transaction(client, () => writeState(client, schema, events, onProgress));
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
  } catch (e) {
    // No build starts after a failure, and the one running on `second` ends before it is released.
    builds.stop();
    await early.catch(() => undefined);
    throw e;
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
    // Record times come as UTC text, which parsedRow rearranges into ISO 8601 without a Date's round trip.
    await reader.query(`BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET LOCAL TimeZone = 'UTC'`);
    return await foldLog(reader, client, schema, scope, onProgress);
  } finally {
    await reader.query('ROLLBACK').catch(() => undefined);
    reader.release();
  }
}

async function foldLog(reader: PoolClient, client: PoolClient, schema: string, scope: BuildScope, onProgress?: (p: BuildProgress) => void): Promise<FoldedEvents> {
  const clock = stopwatch();
  // The reader starts at once: the records ahead while `client` drops the indexes, then the first
  // chunk while Node builds the fold from them (a connection runs its queries in order).
  const aheadRead = handled(readAhead(reader, scope));
  let next = handled(readChunk(reader, scope, [-1, '-1']));
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
  const ahead = await aheadRead;
  onProgress?.({ phase: 'read', done: ahead.length });
  const fold = new LogFold(ahead);
  // The chunks hold lean envelopes; the events modifiers target are folded from their whole ones.
  const whole = await readTargets(reader, scope, fold.targets());
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
  let copying: Promise<unknown> = Promise.resolve();
  for (;;) {
    const chunk = await next;
    if (!chunk.length) break;
    const last = chunk[chunk.length - 1];
    next = handled(readChunk(reader, scope, [last[0], last[1]]));
    for (const record of chunk) {
      fold.addRecord(parsedRow(record, whole.get(record[2])), emit);
      positions.set(record[0], record[1]);
    }
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

function stopwatch(): () => number {
  let last = process.hrtime.bigint();
  return () => {
    const now = process.hrtime.bigint();
    const seconds = Number(now - last) / 1e9;
    last = now;
    return seconds;
  };
}
