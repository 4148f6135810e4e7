import { Pool } from 'pg';
import { ownSchema } from './own-schema.fixture';
import { createPool } from './pool';

// Statements with parameters are prepared once per connection; a table that changes under a
// prepared `SELECT *` fails that statement once, and the connection goes on unprepared. A schema of
// its own in the server the jest global setup found or started (one connection: one session), dropped
// at the end.
describe('prepared statements', () => {
  const db = ownSchema('prepared_spec', (schema) => [
    `CREATE TABLE ${schema}.things (id int PRIMARY KEY, name text)`,
    `INSERT INTO ${schema}.things VALUES (1, 'one'), (2, 'two')`,
  ]);
  const { schema } = db;

  const preparedOnConnection = async (p: Pool) => (await p.query(`SELECT statement FROM pg_prepared_statements`)).rows.map((r) => r.statement as string);

  it('prepares a statement with parameters once and answers as before', async () => {
    const sql = `SELECT name FROM ${schema}.things WHERE id = $1`;
    expect((await db.pool.query(sql, [1])).rows).toEqual([{ name: 'one' }]);
    expect((await db.pool.query(sql, [2])).rows).toEqual([{ name: 'two' }]);
    expect((await preparedOnConnection(db.pool)).filter((s) => s === sql)).toHaveLength(1);
  });

  it('plans each execution for its own values (no generic plan)', async () => {
    expect((await db.pool.query('SELECT current_setting($1) AS mode', ['plan_cache_mode'])).rows).toEqual([{ mode: 'force_custom_plan' }]);
  });

  it('leaves statements without parameters unnamed', async () => {
    await db.pool.query(`SELECT count(*) FROM ${schema}.things`);
    expect(await preparedOnConnection(db.pool)).not.toContain(`SELECT count(*) FROM ${schema}.things`);
  });

  it('fails a prepared SELECT * once when its table gained a column, then answers unprepared on the same connection', async () => {
    // A checked-out client, as a transaction holds one (Pool.query would drop a client whose query failed).
    const client = await db.pool.connect();
    try {
      const sql = `SELECT * FROM ${schema}.things WHERE id = $1`;
      expect((await client.query(sql, [1])).rows).toEqual([{ id: 1, name: 'one' }]);
      await client.query(`ALTER TABLE ${schema}.things ADD COLUMN note text`);
      await expect(client.query(sql, [1])).rejects.toThrow('cached plan must not change result type');
      expect((await client.query(sql, [1])).rows).toEqual([{ id: 1, name: 'one', note: null }]);
    } finally {
      client.release();
    }
  });

  it('prepares nothing with prepare: false (a transaction-mode connection pooler)', async () => {
    const plain = createPool(process.env.LEDGER_TEST_DATABASE_URL!, { max: 1, prepare: false });
    try {
      await plain.query(`SELECT name FROM ${schema}.things WHERE id = $1`, [1]);
      expect(await preparedOnConnection(plain)).toEqual([]);
    } finally {
      await plain.end();
    }
  });
});
