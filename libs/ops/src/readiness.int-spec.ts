import { Pool } from 'pg';
import { DEFAULT_TOPICS } from '@ledger/contracts';
import { createPool, migrate } from '@ledger/postgres';
import { LEDGER_MIGRATIONS_DIR, LEDGER_SCHEMA } from '@ledger/ledger-store';
import { createTestDatabase } from '@ledger/testing';
import { Readiness } from './readiness';

// A dropped ledger schema (a mistaken replay, a hand-run DROP) must not leave /health/ready saying ok
// while every authenticated route fails.
describe('readiness', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: Pool;

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = createPool(db.url, { max: 2 });
    await migrate(pool, LEDGER_SCHEMA, LEDGER_MIGRATIONS_DIR);
  });

  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('readiness fails when ledger tables are missing', async () => {
    const readiness = new Readiness(pool, DEFAULT_TOPICS);
    expect(await readiness.evaluate()).toMatchObject({ ready: true, checks: { postgres: { status: 'ok' }, ledgerTables: { status: 'ok' } } });

    await pool.query('ALTER TABLE ledger.tokens RENAME TO tokens_elsewhere');
    expect(await readiness.evaluate()).toMatchObject({ ready: false, checks: { ledgerTables: { status: 'failed', reason: 'missing ledger.tokens' } } });

    await pool.query('DROP SCHEMA ledger CASCADE');
    expect(await readiness.evaluate()).toMatchObject({ ready: false, checks: { ledgerTables: { status: 'failed', reason: 'missing ledger.journal, ledger.tokens' } } });
  });
});
