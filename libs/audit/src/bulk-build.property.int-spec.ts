import fc from 'fast-check';
import { Pool } from 'pg';
import { RecordedEvent } from '@ledger/contracts';
import { createPool, inTransaction, migrate, quoteIdent } from '@ledger/postgres';
import { insertJournal, LEDGER_MIGRATIONS_DIR, LEDGER_SCHEMA } from '@ledger/ledger-store';
import { readModelDigest, READ_MIGRATIONS_DIR, READ_SCHEMA } from '@ledger/read-models';
import { applyRecorded, createTestDatabase } from '@ledger/testing';
import { buildLog, logArb } from '../../read-models/src/__tests__/random-log';
import { bulkBuild } from './bulk-build';

// A replay is a bulk build (fold in memory, COPY, indexes after); the live projector folds batch by
// batch in SQL. Two implementations of one fold: for any log — late affiliations, corrections,
// retractions of corrections, threats and their triggers — they must give byte-identical tables.
describe('the bulk build equals the incremental fold', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: Pool;
  const BULK = 'bulk_built';

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = createPool(db.url, { max: 2 });
    await migrate(pool, LEDGER_SCHEMA, LEDGER_MIGRATIONS_DIR);
    await migrate(pool, READ_SCHEMA, READ_MIGRATIONS_DIR);
  });

  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  const reset = async () => {
    const { rows } = await pool.query(
      `SELECT string_agg(format('%I.%I', table_schema, table_name), ', ') AS t FROM information_schema.tables
        WHERE table_schema = $1 AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations'`,
      [READ_SCHEMA],
    );
    await pool.query(`TRUNCATE ${rows[0].t}, ledger.journal`);
    await pool.query(`DROP SCHEMA IF EXISTS ${quoteIdent(BULK)} CASCADE`);
    await migrate(pool, BULK, READ_MIGRATIONS_DIR);
  };

  const journal = (log: RecordedEvent[]) =>
    inTransaction(pool, (c) =>
      insertJournal(
        c,
        log.map(({ recordedAt, partition, offset, ...envelope }) => ({
          partition,
          offset,
          eventId: envelope.eventId,
          disposition: 'applied' as const,
          type: envelope.type,
          occurredStart: null,
          recordedAt,
          contentSha256: null,
          envelope,
          hash: Buffer.alloc(32),
        })),
      ),
    );

  it('gives identical digests for any log, folded in batches or all at once', async () => {
    await fc.assert(
      fc.asyncProperty(logArb, fc.integer({ min: 1, max: 8 }), async (items, size) => {
        const log = buildLog(items);
        await reset();
        await journal(log);
        for (let i = 0; i < log.length; i += size) await inTransaction(pool, (c) => applyRecorded(c, log.slice(i, i + size)));
        const built = await inTransaction(pool, (c) => bulkBuild(pool, c, BULK));
        expect(built.events).toBe(log.length);
        expect(await readModelDigest(pool, BULK)).toEqual(await readModelDigest(pool, READ_SCHEMA));
      }),
      // LEDGER_PROPERTY_RUNS=500 for a deeper search than CI's default.
      { numRuns: Number(process.env.LEDGER_PROPERTY_RUNS ?? 30) },
    );
  }, 1_800_000);
});
