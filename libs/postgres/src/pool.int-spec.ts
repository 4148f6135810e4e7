import { createPool } from './pool';

// A PostgreSQL restart ends every connection, including one checked out for a transaction in
// flight: pg emits 'error' on that client, which must not end the process (test/faults found it).
describe('createPool', () => {
  it('survives the server ending a checked-out connection, and serves the next query', async () => {
    // The server the jest global setup found or started; this test creates nothing in it.
    const pool = createPool(process.env.LEDGER_TEST_DATABASE_URL!);
    try {
      const client = await pool.connect();
      await client.query('BEGIN');
      const { pid } = (await client.query('SELECT pg_backend_pid() AS pid')).rows[0];
      await pool.query('SELECT pg_terminate_backend($1)', [pid]);
      await new Promise((r) => setTimeout(r, 200));
      await expect(client.query('SELECT 1')).rejects.toThrow();
      client.release();
      expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await pool.end();
    }
  });
});
