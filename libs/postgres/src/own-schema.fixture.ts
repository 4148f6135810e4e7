import { Pool } from 'pg';
import { createPool } from './pool';

/**
 * For a spec of this library: a schema of its own in the server the jest global setup found or
 * started, made before the spec's tests with the statements `setup` gives for its name, dropped
 * after them, and a pool of one connection (one session) to reach it.
 */
export function ownSchema(name: string, setup: (schema: string) => string[]): { schema: string; readonly pool: Pool } {
  const schema = `${name}_${process.pid}`;
  let pool: Pool | undefined;
  beforeAll(async () => {
    pool = createPool(process.env.LEDGER_TEST_DATABASE_URL!, { max: 1 });
    await pool.query(`CREATE SCHEMA ${schema}`);
    for (const sql of setup(schema)) await pool.query(sql);
  });
  afterAll(async () => {
    await pool?.query(`DROP SCHEMA ${schema} CASCADE`);
    await pool?.end();
  });
  return {
    schema,
    get pool(): Pool {
      if (!pool) throw new Error('ownSchema: the pool exists from beforeAll on');
      return pool;
    },
  };
}
