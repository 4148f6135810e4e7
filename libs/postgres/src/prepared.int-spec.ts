import { Pool } from 'pg';
import { createTestDatabase } from '@ledger/testing';
import { createPool } from './pool';

// Statements with parameters are prepared once per connection; a table that changes under a
// prepared `SELECT *` fails that statement once, and the connection goes on unprepared.
describe('prepared statements', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: Pool;

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = createPool(db.url, { max: 1 });
    await pool.query('CREATE TABLE things (id int PRIMARY KEY, name text)');
    await pool.query(`INSERT INTO things VALUES (1, 'one'), (2, 'two')`);
  });

  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  const preparedOnConnection = async (p: Pool) => (await p.query(`SELECT statement FROM pg_prepared_statements`)).rows.map((r) => r.statement as string);

  it('prepares a statement with parameters once and answers as before', async () => {
    const sql = 'SELECT name FROM things WHERE id = $1';
    expect((await pool.query(sql, [1])).rows).toEqual([{ name: 'one' }]);
    expect((await pool.query(sql, [2])).rows).toEqual([{ name: 'two' }]);
    expect((await preparedOnConnection(pool)).filter((s) => s === sql)).toHaveLength(1);
  });

  it('plans each execution for its own values (no generic plan)', async () => {
    expect((await pool.query('SELECT current_setting($1) AS mode', ['plan_cache_mode'])).rows).toEqual([{ mode: 'force_custom_plan' }]);
  });

  it('leaves statements without parameters unnamed', async () => {
    await pool.query('SELECT count(*) FROM things');
    expect(await preparedOnConnection(pool)).not.toContain('SELECT count(*) FROM things');
  });

  it('fails a prepared SELECT * once when its table gained a column, then answers unprepared on the same connection', async () => {
    const sql = 'SELECT * FROM things WHERE id = $1';
    expect((await pool.query(sql, [1])).rows).toEqual([{ id: 1, name: 'one' }]);
    await pool.query('ALTER TABLE things ADD COLUMN note text');
    await expect(pool.query(sql, [1])).rejects.toThrow('cached plan must not change result type');
    expect((await pool.query(sql, [1])).rows).toEqual([{ id: 1, name: 'one', note: null }]);
  });

  it('prepares nothing with prepare: false (a transaction-mode connection pooler)', async () => {
    const plain = createPool(db.url, { max: 1, prepare: false });
    try {
      await plain.query('SELECT name FROM things WHERE id = $1', [1]);
      expect(await preparedOnConnection(plain)).toEqual([]);
    } finally {
      await plain.end();
    }
  });
});
