import fc from 'fast-check';
import { Pool } from 'pg';
import { RecordedEvent } from '@ledger/contracts';
import { createPool, inTransaction, migrate } from '@ledger/postgres';
import { LEDGER_MIGRATIONS_DIR, LEDGER_SCHEMA } from '@ledger/ledger-store';
import { applyRecorded, createTestDatabase } from '@ledger/testing';
import { readModelDigest } from './digest';
import { ReadModels } from './read-models';
import { READ_MIGRATIONS_DIR, READ_SCHEMA } from './schemas';
import { buildLog, logArb } from './__tests__/random-log';

// Invariant 3: the read models are a pure function of the set of events. Any permutation, any
// batching and any duplication of the same recorded events gives byte-identical tables.
describe('read models are a pure function of the set of events', () => {
  let dbs: Awaited<ReturnType<typeof createTestDatabase>>[];
  let pools: Pool[];

  beforeAll(async () => {
    dbs = await Promise.all([createTestDatabase(), createTestDatabase()]);
    pools = dbs.map((d) => createPool(d.url, { max: 2 }));
    for (const p of pools) {
      await migrate(p, LEDGER_SCHEMA, LEDGER_MIGRATIONS_DIR);
      await migrate(p, READ_SCHEMA, READ_MIGRATIONS_DIR);
    }
  });

  afterAll(async () => {
    for (const p of pools ?? []) await p.end();
    for (const d of dbs ?? []) await d.drop();
  });

  const reset = async (pool: Pool) => {
    const { rows } = await pool.query(
      `SELECT string_agg(format('%I.%I', table_schema, table_name), ', ') AS t FROM information_schema.tables WHERE table_schema = 'read_model' AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations'`,
    );
    await pool.query(`TRUNCATE ${rows[0].t}, ledger.journal`);
  };
  /** Each batch through one of `processes` in turn (ReadModels instances hold state between batches, as projector processes do). */
  const applyAll = async (pool: Pool, batches: RecordedEvent[][], processes = [new ReadModels()]) => {
    for (const [i, batch] of batches.entries()) await inTransaction(pool, (c) => applyRecorded(c, batch, processes[i % processes.length]));
  };

  it('gives identical digests for any order, batching and duplication', async () => {
    await fc.assert(
      fc.asyncProperty(logArb, fc.array(fc.nat(), { maxLength: 80 }), fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 40 }), async (items, shuffle, sizes) => {
        const log = buildLog(items);
        // A random permutation with random repeats: every event at least once.
        const order = [...log.keys()];
        for (let i = order.length - 1; i > 0; i--) {
          const j = (shuffle[i] ?? i) % (i + 1);
          [order[i], order[j]] = [order[j], order[i]];
        }
        const delivered = [...order, ...shuffle.slice(0, 10).map((n) => n % log.length)].map((i) => log[i]);
        const batches: RecordedEvent[][] = [];
        for (let i = 0, k = 0; i < delivered.length; k++) {
          const size = sizes[k % sizes.length];
          batches.push(delivered.slice(i, i + size));
          i += size;
        }
        await Promise.all(pools.map(reset));
        await applyAll(pools[0], [log]);
        // Two processes taking turns: what one holds goes stale whenever the other writes.
        await applyAll(pools[1], batches, sizes[0] % 2 ? [new ReadModels()] : [new ReadModels(), new ReadModels()]);
        expect(await readModelDigest(pools[1])).toEqual(await readModelDigest(pools[0]));
      }),
      // LEDGER_PROPERTY_RUNS=500 for a deeper search than CI's default.
      { numRuns: Number(process.env.LEDGER_PROPERTY_RUNS ?? 30) },
    );
  }, 1_800_000);
});
