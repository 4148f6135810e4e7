import { Pool } from 'pg';
import { createPool, migrate } from '@ledger/postgres';
import { createTestDatabase } from '@ledger/testing';
import { LEDGER_MIGRATIONS_DIR, LEDGER_SCHEMA, TokenStore } from '@ledger/ledger-store';
import { READ_MIGRATIONS_DIR, READ_SCHEMA } from '@ledger/read-models';
import { EMBEDDED_LOG_SCHEMA, EmbeddedEventLog } from '@ledger/log';
import { BUILDING_MARKER, frozenSchemaName, replayFrozen, ReplaySchemaError } from './replay';
import { REPLAY_MARKER } from './reader-role';

// A mistaken --schema must never drop what the ledger keeps; a second frozen copy must never
// silently replace the first.
describe('ledger replay into a frozen copy', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: Pool;

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = createPool(db.url, { max: 4 });
    await migrate(pool, LEDGER_SCHEMA, LEDGER_MIGRATIONS_DIR);
    await migrate(pool, READ_SCHEMA, READ_MIGRATIONS_DIR);
    await new EmbeddedEventLog(pool).init();
    await new TokenStore(pool).create({ name: 'keep-me', scopes: ['read'] });
  });

  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  const tables = async (schema: string) => Number((await pool.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = $1`, [schema])).rows[0].n);

  it('replay refuses --schema ledger (and log, public, read_model) and drops nothing', async () => {
    const before = { ledger: await tables(LEDGER_SCHEMA), log: await tables(EMBEDDED_LOG_SCHEMA), read: await tables(READ_SCHEMA) };
    expect(before.ledger).toBeGreaterThan(3);
    for (const schema of [LEDGER_SCHEMA, EMBEDDED_LOG_SCHEMA, 'public', READ_SCHEMA, `${READ_SCHEMA}_next`]) {
      await expect(replayFrozen(pool, schema, {})).rejects.toThrow(ReplaySchemaError);
    }
    await expect(replayFrozen(pool, LEDGER_SCHEMA, {})).rejects.toThrow('schema ledger was not created by ledger replay: refused, nothing dropped');
    expect({ ledger: await tables(LEDGER_SCHEMA), log: await tables(EMBEDDED_LOG_SCHEMA), read: await tables(READ_SCHEMA) }).toEqual(before);
    expect((await new TokenStore(pool).list()).map((t) => t.name)).toEqual(['keep-me']);
  });

  it('two frozen copies in the same second get distinct names; --replace needed to overwrite', async () => {
    const first = frozenSchemaName({ knownAt: new Date('2025-03-14T18:00:00.100Z') });
    const second = frozenSchemaName({ knownAt: new Date('2025-03-14T18:00:00.900Z') });
    expect([first, second]).toEqual(['read_model_at_20250314_180000_100', 'read_model_at_20250314_180000_900']);
    const long = (n: number) => frozenSchemaName({ toOffset: new Map(Array.from({ length: 12 }, (_, p) => [p, String(1_000_000 + n)])) });
    expect(long(1)).not.toEqual(long(2));
    expect(long(1).length).toBeLessThanOrEqual(63);

    await replayFrozen(pool, first, { knownAt: new Date('2025-03-14T18:00:00.100Z') });
    await replayFrozen(pool, second, { knownAt: new Date('2025-03-14T18:00:00.900Z') });
    await pool.query(`INSERT INTO ${first}.actors_v1 (id, kind, name, aliases, basis_event_id) VALUES ('MARK', 'state', 'M', '{}', gen_random_uuid())`);
    await expect(replayFrozen(pool, first, {})).rejects.toThrow(`schema ${first} already holds a replayed copy: pass --replace to rebuild it`);
    expect((await pool.query(`SELECT id FROM ${first}.actors_v1`)).rows).toEqual([{ id: 'MARK' }]);
    await replayFrozen(pool, first, {}, { replace: true });
    expect((await pool.query(`SELECT id FROM ${first}.actors_v1`)).rows).toEqual([]);
    expect(await tables(second)).toBeGreaterThan(0);
  });

  it('rebuilds a copy a replay began and did not finish without --replace, and refuses a copy another replay is building', async () => {
    // A replay commits its rows before it builds the indexes: one stopped then leaves the schema marked unfinished.
    await pool.query(`CREATE SCHEMA read_model_at_unfinished`);
    await pool.query(`COMMENT ON SCHEMA read_model_at_unfinished IS '${BUILDING_MARKER}'`);
    await pool.query(`CREATE TABLE read_model_at_unfinished.actors_v1 (id text)`);
    const result = await replayFrozen(pool, 'read_model_at_unfinished', {});
    expect(result.schema).toBe('read_model_at_unfinished');
    const comment = async (schema: string) => (await pool.query(`SELECT obj_description($1::regnamespace, 'pg_namespace') AS c`, [schema])).rows[0].c;
    expect(await comment('read_model_at_unfinished')).toBe(REPLAY_MARKER);
    expect((await pool.query(`SELECT count(*)::int AS n FROM pg_indexes WHERE schemaname = 'read_model_at_unfinished'`)).rows[0].n).toBeGreaterThan(20);

    const other = await pool.connect();
    try {
      await other.query(`SELECT pg_advisory_lock(hashtext('ledger-replay:read_model_at_unfinished'))`);
      await expect(replayFrozen(pool, 'read_model_at_unfinished', {}, { replace: true })).rejects.toThrow(
        'another replay into read_model_at_unfinished is running: refused, nothing dropped',
      );
      expect(await comment('read_model_at_unfinished')).toBe(REPLAY_MARKER);
    } finally {
      await other.query(`SELECT pg_advisory_unlock_all()`);
      other.release();
    }
  });

  it('a replayed copy has every index and key of the migrated read models, and their statistics targets', async () => {
    // The bulk build drops every index, primary keys too, before its COPY and builds them again after it.
    const shape = async (schema: string) => ({
      indexes: (await pool.query(`SELECT indexname, replace(indexdef, $1, 'S.') AS def FROM pg_indexes WHERE schemaname = $2 ORDER BY indexname`, [`${schema}.`, schema])).rows,
      constraints: (
        await pool.query(
          `SELECT r.relname, c.conname, c.contype, pg_get_constraintdef(c.oid) AS def
             FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid JOIN pg_namespace n ON n.oid = c.connamespace
            WHERE n.nspname = $1 ORDER BY c.conname`,
          [schema],
        )
      ).rows,
      statistics: (
        await pool.query(
          `SELECT c.relname, a.attname, a.attstattarget FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = $1 AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped AND a.attstattarget <> -1 ORDER BY 1, 2`,
          [schema],
        )
      ).rows,
    });
    await replayFrozen(pool, 'read_model_shape', {});
    const live = await shape(READ_SCHEMA);
    expect(live.indexes.length).toBeGreaterThan(20);
    expect(live.constraints).toContainEqual({ relname: 'events_v1', conname: 'events_v1_pkey', contype: 'p', def: 'PRIMARY KEY (event_id)' });
    expect(live.statistics).toContainEqual({ relname: 'events_v1', attname: 'voices', attstattarget: 0 });
    expect(await shape('read_model_shape')).toEqual(live);
  });
});
