import { CopyBuffer, copyLines, copyRows, CopyColumns } from './copy-text';
import { ownSchema } from './own-schema.fixture';

// COPY of lines known up front goes out in one write (statement, data, end of data) without waiting
// for PostgreSQL's CopyInResponse; a COPY that fails must still fail alone, its transaction whole,
// and leave the connection in step for what follows. A schema of its own in the test server.
describe('copyLines', () => {
  const db = ownSchema('copy_spec', (schema) => [`CREATE TABLE ${schema}.things (id int PRIMARY KEY, name text, tags text[], doc jsonb)`]);
  const { schema } = db;

  const names = async () => (await db.pool.query(`SELECT id, name FROM ${schema}.things ORDER BY id`)).rows;

  it('writes the lines of one string, escapes and NULLs included', async () => {
    const client = await db.pool.connect();
    try {
      await copyLines(client, `COPY ${schema}.things (id, name) FROM STDIN`, '1\tone\\ttab\n2\t\\N\n');
      await copyRows(client, `${schema}.things`, new CopyColumns({ id: 'int4', name: 'text', tags: '_text', doc: 'jsonb' }), [
        { id: 3, name: 'three', tags: ['a', 'b"c'], doc: { k: 'line\nbreak' } },
      ]);
    } finally {
      client.release();
    }
    expect(await names()).toEqual([
      { id: 1, name: 'one\ttab' },
      { id: 2, name: null },
      { id: 3, name: 'three' },
    ]);
    expect((await db.pool.query(`SELECT tags, doc FROM ${schema}.things WHERE id = 3`)).rows).toEqual([{ tags: ['a', 'b"c'], doc: { k: 'line\nbreak' } }]);
  });

  it('writes lines encoded into a CopyBuffer as they came, past its first size and in any script', async () => {
    const lines = new CopyBuffer(16);
    const columns = new CopyColumns({ id: 'int4', name: 'text' });
    const wanted = [
      { id: 20, name: 'Zelensky — Зеленський' },
      { id: 21, name: 'tab\there, 🕊️ and a line\nbreak' },
      { id: 22, name: 'x'.repeat(1000) },
    ];
    for (const row of wanted.slice(0, 2)) lines.addRow(row, columns);
    const first = lines.take();
    lines.addRow(wanted[2], columns);
    expect(lines.lines).toBe(1);
    const client = await db.pool.connect();
    try {
      await copyLines(client, `COPY ${schema}.things (${columns.list}) FROM STDIN`, first);
      await copyLines(client, `COPY ${schema}.things (${columns.list}) FROM STDIN`, lines.take());
    } finally {
      client.release();
    }
    expect((await db.pool.query(`SELECT id, name FROM ${schema}.things WHERE id >= 20 ORDER BY id`)).rows).toEqual(wanted);
    await db.pool.query(`DELETE FROM ${schema}.things WHERE id >= 20`);
  });

  it.each([
    ['a bad row', `COPY ${schema}.things (id, name) FROM STDIN`, '10\tten\nnot a number\tx\n', 'invalid input syntax for type integer'],
    ['a duplicate key', `COPY ${schema}.things (id, name) FROM STDIN`, '11\televen\n1\tagain\n', 'duplicate key value'],
    ['a statement that fails before the data', `COPY ${schema}.nothing (id) FROM STDIN`, '12\n13\n', 'does not exist'],
  ])('fails on %s, rolls its transaction back whole, and the connection goes on', async (_, sql, data, message) => {
    const before = await names();
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`INSERT INTO ${schema}.things (id, name) VALUES (99, 'in the same transaction')`);
      await expect(copyLines(client, sql, data)).rejects.toThrow(message);
      await client.query('ROLLBACK');
      // The copy messages sent after the failure were ignored: the next statements answer in step.
      expect((await client.query('SELECT $1::int AS n', [7])).rows).toEqual([{ n: 7 }]);
      await copyLines(client, `COPY ${schema}.things (id, name) FROM STDIN`, '');
      expect((await client.query(`SELECT count(*)::int AS n FROM ${schema}.things WHERE id >= 10`)).rows).toEqual([{ n: 0 }]);
    } finally {
      client.release();
    }
    expect(await names()).toEqual(before);
  });
});
