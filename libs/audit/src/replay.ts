import { Pool, PoolClient } from 'pg';
import { RecordedEvent } from '@ledger/contracts';
import { inTransaction, migrate, quoteIdent } from '@ledger/postgres';
import { journaledPartitions } from '@ledger/ledger-store';
import { readModelDigest } from '../../read-models/src/digest';
import { READ_MODEL_LOCK, ReadModels, READ_MIGRATIONS_DIR, READ_SCHEMA } from '@ledger/read-models';
import { grantOnSchema, READER_ROLE } from './reader-role';

/** Which journal records a replay folds. */
export interface ReplayScope {
  /** Only records before these offsets (per partition; a partition not named: all of it). */
  toOffsets?: Map<number, string>;
  /** Only records the ledger had recorded by this time. */
  knownAt?: Date;
}

export interface ReplayResult {
  schema: string;
  events: number;
  seconds: number;
  switched: boolean;
  digest: Record<string, string>;
}

/** How far a replay has folded each partition of the journal (the last offset folded). */
type Positions = Map<number, string>;

const CHUNK = 5_000;

interface JournalRow {
  offset: string;
  recorded_at: Date;
  envelope: RecordedEvent;
}

/**
 * Folds the journal's applied records (the hash-chained copy of the log, from offset 0) into
 * `schema`, chunk by chunk — each chunk in its own transaction unless `client` is given — so the
 * live read models keep serving. Positions are kept per partition: the live projector keeps
 * appending to every partition while a replay runs.
 *
 * Each chunk merges the partitions by record time (each partition still in offset order), as the
 * live projector met them. The read models come out the same in any order (the fold is
 * order-independent, property-tested); this order keeps a replay's work like the live
 * projector's: folding partition after partition put each partition's events after every later
 * event of the others, so the lookups "the first event at or after X" read more (measured: 200,000
 * events replayed 1,425/s → 1,705/s).
 */
async function foldRange(pool: Pool, schema: string, positions: Positions, scope: ReplayScope, onProgress?: (n: number) => void, client?: PoolClient): Promise<number> {
  const models = new ReadModels(schema);
  const partitions = await journaledPartitions(client ?? pool);
  // What has been read of each partition and not folded yet; the journal is append-only, so what
  // was read in one transaction is still true in the next.
  const heads = new Map<number, { rows: JournalRow[]; next: number; more: boolean }>(partitions.map((p) => [p, { rows: [], next: 0, more: true }]));
  let events = 0;
  for (;;) {
    const run = async (c: PoolClient) => {
      for (const [partition, h] of heads) {
        if (h.next < h.rows.length || !h.more) continue;
        const after = h.rows.length ? h.rows[h.rows.length - 1].offset : (positions.get(partition) ?? '-1');
        const { rows } = await c.query(
          `SELECT j."offset"::text AS offset, j.recorded_at, j.envelope FROM ledger.journal j
            WHERE j.partition = $1 AND j."offset" > $2 AND j.disposition = 'applied' AND ($3::timestamptz IS NULL OR j.recorded_at <= $3)
              AND ($5::bigint IS NULL OR j."offset" < $5)
            ORDER BY j."offset" LIMIT $4`,
          [partition, after, scope.knownAt ?? null, CHUNK, scope.toOffsets?.get(partition) ?? null],
        );
        heads.set(partition, { rows, next: 0, more: rows.length === CHUNK });
      }
      // Take the earliest-recorded head among the partitions, one record at a time, until the chunk
      // is full or a partition that has more in the journal runs out of what was read of it.
      const batch: RecordedEvent[] = [];
      const taken = new Map<number, string>();
      while (batch.length < CHUNK) {
        let pick: number | undefined;
        for (const [partition, h] of heads) {
          if (h.next >= h.rows.length) continue;
          const best = pick === undefined ? undefined : heads.get(pick)!;
          if (!best || h.rows[h.next].recorded_at < best.rows[best.next].recorded_at) pick = partition;
        }
        if (pick === undefined) break;
        const h = heads.get(pick)!;
        const r = h.rows[h.next++];
        batch.push({ ...r.envelope, recordedAt: r.recorded_at.toISOString(), partition: pick, offset: r.offset });
        taken.set(pick, r.offset);
        if (h.next === h.rows.length && h.more) break;
      }
      if (batch.length) await models.apply(c, batch);
      return { count: batch.length, taken };
    };
    const { count, taken } = client ? await run(client) : await inTransaction(pool, run);
    if (!count) break;
    events += count;
    onProgress?.(count);
    for (const [partition, offset] of taken) positions.set(partition, offset);
  }
  return events;
}

async function freshSchema(pool: Pool, schema: string): Promise<void> {
  await pool.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
  await migrate(pool, schema, READ_MIGRATIONS_DIR);
  await grantOnSchema(pool, READER_ROLE, schema); // the read-only role keeps reading after a switch
}

/**
 * `ledger replay`: rebuilds every read model into `read_model_next` while the live ones serve,
 * catches up with the live projector, then — holding the live read models' lock, so the projector
 * pauses between two batches — folds the last records and renames the schemas in one transaction.
 * Queries see either the old schema or the new one, never a half-built one.
 */
export async function replayAndSwitch(pool: Pool, onProgress?: (n: number) => void): Promise<ReplayResult> {
  const started = Date.now();
  const next = `${READ_SCHEMA}_next`;
  await freshSchema(pool, next);
  const positions: Positions = new Map();
  let events = await foldRange(pool, next, positions, {}, onProgress);
  for (let round = 0; round < 5; round++) {
    const more = await foldRange(pool, next, positions, {}, onProgress);
    events += more;
    if (more < CHUNK) break;
  }
  const old = `${READ_SCHEMA}_old_${Date.now()}`;
  const digest = await inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [READ_MODEL_LOCK, READ_SCHEMA]);
    events += await foldRange(pool, next, positions, {}, onProgress, client);
    await client.query(`ALTER SCHEMA ${quoteIdent(READ_SCHEMA)} RENAME TO ${quoteIdent(old)}`);
    await client.query(`ALTER SCHEMA ${quoteIdent(next)} RENAME TO ${quoteIdent(READ_SCHEMA)}`);
    await client.query(`SET LOCAL search_path TO DEFAULT`);
    return readModelDigest(client, READ_SCHEMA);
  });
  // Queries that began on the old schema finish first; dropping it waits for them.
  await pool.query(`DROP SCHEMA ${quoteIdent(old)} CASCADE`);
  return { schema: READ_SCHEMA, events, seconds: (Date.now() - started) / 1000, switched: true, digest };
}

/**
 * `ledger replay --to-offset/--known-at`: a frozen copy of the read models as of a past moment,
 * for an auditor, in its own schema; the live read models are not touched.
 */
export async function replayFrozen(pool: Pool, schema: string, scope: ReplayScope, onProgress?: (n: number) => void): Promise<ReplayResult> {
  if (schema === READ_SCHEMA || schema === `${READ_SCHEMA}_next`) throw new Error(`${schema} is reserved for the live read models`);
  const started = Date.now();
  await freshSchema(pool, schema);
  const events = await foldRange(pool, schema, new Map(), scope, onProgress);
  return { schema, events, seconds: (Date.now() - started) / 1000, switched: false, digest: await readModelDigest(pool, schema) };
}
