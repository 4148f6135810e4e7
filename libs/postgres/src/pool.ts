import { Pool, PoolClient, PoolConfig, types } from 'pg';

// int8 (offsets, counts) stays a string: JavaScript numbers lose precision past 2^53.
// numeric stays a string too; timestamptz is parsed by pg into Date.
types.setTypeParser(types.builtins.INT8, (v) => v);

/** Injection token of the shared pg Pool (a real seam: tests and the embedded mode hand in their own). */
export const PG_POOL = Symbol('PG_POOL');

export function createPool(connectionString: string, extra: PoolConfig = {}): Pool {
  const pool = new Pool({ connectionString, max: 10, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 5_000, ...extra });
  // An idle client losing its connection (server restart) must not crash the process; the next
  // query gets a fresh connection.
  pool.on('error', () => undefined);
  // Nor a checked-out one (a transaction in flight): pg emits 'error' on it as well, and the pool
  // only listens while a client is idle. The transaction's query fails with the same error instead.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/** Runs `fn` in one transaction: commit when it resolves, roll back when it throws. */
export async function inTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}
