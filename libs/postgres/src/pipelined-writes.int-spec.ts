import { PoolClient } from 'pg';
import { copyLines } from './copy-text';
import { readAhead, readBoth, startPipeline, stopPipeline, write } from './pipelined-writes';
import { ownSchema } from './own-schema.fixture';
import { inTransaction } from './pool';

// A pipelined transaction sends its writes without waiting for each answer; what it promises is that
// the transaction still commits all of them or none, that a failed write fails it with that write's
// own error, and that the connection is back in plain mode and in step afterwards. A schema of its
// own in the test server.
describe('pipelined transactions', () => {
  const db = ownSchema('pipelined_spec', (schema) => [`CREATE TABLE ${schema}.things (id int PRIMARY KEY, name text)`]);
  const { schema } = db;

  afterEach(async () => {
    await db.pool.query(`TRUNCATE ${schema}.things`);
  });

  const things = async () => (await db.pool.query(`SELECT id, name FROM ${schema}.things ORDER BY id`)).rows;
  const pipelined = <T>(fn: (client: PoolClient) => Promise<T>) => inTransaction(db.pool, fn, { pipeline: true });

  it('is available with this pg (pipeline mode), and only once per client at a time', async () => {
    const client = await db.pool.connect();
    try {
      expect(startPipeline(client)).toBe(true);
      expect(startPipeline(client)).toBe(false);
      stopPipeline(client);
    } finally {
      client.release();
    }
  });

  it('answers a write before PostgreSQL does, and the statements after it see what it wrote', async () => {
    const seen = await pipelined(async (client) => {
      const started = Date.now();
      // The sleep holds the connection 300 ms; the write resolves without waiting for it.
      await write(client, `SELECT pg_sleep(0.3)`);
      await write(client, `INSERT INTO ${schema}.things VALUES (1, 'one')`);
      await copyLines(client, `COPY ${schema}.things (id, name) FROM STDIN`, '2\ttwo\n');
      const returned = Date.now() - started;
      const { rows } = await client.query(`SELECT count(*)::int AS n FROM ${schema}.things`);
      return { returned, n: rows[0].n, waited: Date.now() - started };
    });
    expect(seen.returned).toBeLessThan(200);
    expect(seen.waited).toBeGreaterThanOrEqual(290);
    expect(seen.n).toBe(2);
    expect(await things()).toEqual([
      { id: 1, name: 'one' },
      { id: 2, name: 'two' },
    ]);
  });

  it('fails whole with the failed write’s own error, not the aborted statements after it, and leaves the connection usable', async () => {
    await db.pool.query(`INSERT INTO ${schema}.things VALUES (1, 'before')`);
    const attempt = pipelined(async (client) => {
      await write(client, `INSERT INTO ${schema}.things VALUES (2, 'two')`);
      await write(client, `INSERT INTO ${schema}.things VALUES (1, 'duplicate')`);
      await write(client, `INSERT INTO ${schema}.things VALUES (3, 'three')`);
    });
    await expect(attempt).rejects.toMatchObject({ code: '23505' });
    expect(await things()).toEqual([{ id: 1, name: 'before' }]);
    // The same (only) connection, in plain mode again: a transaction of its own commits.
    await inTransaction(db.pool, (c) => c.query(`INSERT INTO ${schema}.things VALUES (4, 'after')`));
    expect(await things()).toEqual([
      { id: 1, name: 'before' },
      { id: 4, name: 'after' },
    ]);
  });

  it('fails whole when a COPY’s row is bad, or when a read after the writes fails', async () => {
    const badCopy = pipelined(async (client) => {
      await write(client, `INSERT INTO ${schema}.things VALUES (1, 'one')`);
      await copyLines(client, `COPY ${schema}.things (id, name) FROM STDIN`, 'not a number\tx\n');
    });
    await expect(badCopy).rejects.toMatchObject({ code: '22P02' });
    const badRead = pipelined(async (client) => {
      await write(client, `INSERT INTO ${schema}.things VALUES (1, 'one')`);
      await client.query(`SELECT 1 / 0`);
    });
    await expect(badRead).rejects.toMatchObject({ code: '22012' });
    // A write that fails while the callback's own read is waiting: the write's error, not the read's.
    const writeThenRead = pipelined(async (client) => {
      await write(client, `INSERT INTO ${schema}.things VALUES (1, 'one'), (1, 'again')`);
      await client.query(`SELECT 1`);
    });
    await expect(writeThenRead).rejects.toMatchObject({ code: '23505' });
    expect(await things()).toEqual([]);
  });

  it('rolls back what was sent when the callback throws, and settles every write first', async () => {
    const attempt = pipelined(async (client) => {
      await write(client, `INSERT INTO ${schema}.things VALUES (1, 'one')`);
      await write(client, `SELECT pg_sleep(0.1)`);
      throw new Error('changed its mind');
    });
    await expect(attempt).rejects.toThrow('changed its mind');
    expect(await things()).toEqual([]);
  });

  // Two reads with their socket writes counted (Node's net.Socket sends each write, or each corked
  // batch of writes, through _writeGeneric: one system call).
  const bothRead = async (client: PoolClient) => {
    const socket = (client as unknown as { connection: { stream: object } }).connection.stream;
    const writes = jest.spyOn(socket as { _writeGeneric: () => void }, '_writeGeneric');
    try {
      const [inserted, counted] = await readBoth(
        client,
        () => client.query(`INSERT INTO ${schema}.things VALUES (1, 'one') RETURNING id`),
        () => client.query(`SELECT count(*)::int AS n FROM ${schema}.things`),
      );
      return { id: inserted.rows[0].id, n: counted.rows[0].n, writes: writes.mock.calls.length };
    } finally {
      writes.mockRestore();
    }
  };

  it('sends two reads together in a pipelined transaction, run in order: the second sees what the first did', async () => {
    expect(await pipelined(bothRead)).toEqual({ id: 1, n: 1, writes: 1 });
    expect(await things()).toEqual([{ id: 1, name: 'one' }]);
  });

  it('sends the second read once the first has answered outside a pipelined transaction', async () => {
    expect(await inTransaction(db.pool, bothRead)).toEqual({ id: 1, n: 1, writes: 2 });
  });

  it('fails two reads sent together with the first one’s error, not the aborted second’s', async () => {
    const attempt = pipelined((client) =>
      readBoth(
        client,
        () => client.query(`SELECT 1 / 0`),
        () => client.query(`SELECT 1`),
      ),
    );
    await expect(attempt).rejects.toMatchObject({ code: '22012' });
  });

  it('reads ahead: the read leaves at once, the caller goes on, and its answer comes when PostgreSQL gives it', async () => {
    const seen = await pipelined(async (client) => {
      const started = Date.now();
      const ahead = await readAhead(client, () => client.query(`SELECT pg_sleep(0.3), 42 AS n`));
      const issued = Date.now() - started;
      await write(client, `INSERT INTO ${schema}.things VALUES (1, 'one')`);
      const { rows } = await ahead.answer;
      return { issued, n: rows[0].n, waited: Date.now() - started };
    });
    expect(seen.issued).toBeLessThan(200);
    expect(seen.n).toBe(42);
    expect(seen.waited).toBeGreaterThanOrEqual(290);
    expect(await things()).toEqual([{ id: 1, name: 'one' }]);
  });

  it('fails the transaction with a read ahead’s own error, even when nobody awaits its answer', async () => {
    const attempt = pipelined(async (client) => {
      await readAhead(client, () => client.query(`SELECT 1 / 0`));
      await write(client, `INSERT INTO ${schema}.things VALUES (1, 'one')`);
    });
    await expect(attempt).rejects.toMatchObject({ code: '22012' });
    expect(await things()).toEqual([]);
    // Outside a pipeline the read is awaited where it is issued.
    await expect(inTransaction(db.pool, (client) => readAhead(client, () => client.query(`SELECT 1 / 0`)))).rejects.toMatchObject({ code: '22012' });
  });

  it('is an ordinary awaited statement outside a pipelined transaction', async () => {
    await inTransaction(db.pool, async (client) => {
      const started = Date.now();
      await write(client, `SELECT pg_sleep(0.2)`);
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
      await write(client, `INSERT INTO ${schema}.things VALUES (1, 'one')`);
    });
    const client = await db.pool.connect();
    try {
      await expect(write(client, `INSERT INTO ${schema}.things VALUES (1, 'again')`)).rejects.toMatchObject({ code: '23505' });
    } finally {
      client.release();
    }
    expect(await things()).toEqual([{ id: 1, name: 'one' }]);
  });
});
