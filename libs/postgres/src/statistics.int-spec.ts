import { Pool } from 'pg';
import { createPool } from './pool';
import { StatisticsKeeper } from './statistics';

// The projector keeps the planner statistics of what it writes fresh when nothing else does
// (autovacuum off, as on the machines this project's CI runs on). A schema of its own in the
// server the jest global setup found or started, dropped at the end.
describe('StatisticsKeeper', () => {
  const schema = `stats_spec_${process.pid}`;
  let pool: Pool;
  const targets = [
    { schema, table: 'big', columns: ['id'] },
    { schema, table: 'small', columns: ['id'] },
  ];

  beforeAll(async () => {
    pool = createPool(process.env.LEDGER_TEST_DATABASE_URL!);
    await pool.query(`CREATE SCHEMA ${schema}`);
    await pool.query(`CREATE TABLE ${schema}.big (id int PRIMARY KEY, note text)`);
    await pool.query(`CREATE TABLE ${schema}.small (id int PRIMARY KEY)`);
  });

  afterAll(async () => {
    await pool?.query(`DROP SCHEMA ${schema} CASCADE`);
    await pool?.end();
  });

  /** The statistics collector reports rows with a delay: wait until it has these. */
  const rowsSeen = async (table: string, atLeast: number) => {
    for (let i = 0; i < 100; i++) {
      const { rows } = await pool.query(`SELECT n_live_tup::int AS n FROM pg_stat_user_tables WHERE schemaname = $1 AND relname = $2`, [schema, table]);
      if ((rows[0]?.n ?? 0) >= atLeast) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the statistics collector never reported ${atLeast} rows in ${table}`);
  };
  const analysed = async (table: string) =>
    (await pool.query(`SELECT last_analyze IS NOT NULL AS yes FROM pg_stat_user_tables WHERE schemaname = $1 AND relname = $2`, [schema, table])).rows[0].yes;

  it('analyses a table that grew past the threshold, and leaves one that barely did', async () => {
    await pool.query(`INSERT INTO ${schema}.big SELECT g, 'row ' || g FROM generate_series(1, 5000) g`);
    await pool.query(`INSERT INTO ${schema}.small SELECT g FROM generate_series(1, 900) g`);
    await rowsSeen('big', 5000);
    await rowsSeen('small', 900);
    const keeper = new StatisticsKeeper(pool, targets, { everyMs: 60_000 });
    expect(await keeper.maybeRun()).toEqual([`${schema}.big`]);
    expect(await analysed('big')).toBe(true);
    expect(await analysed('small')).toBe(false);
    const { rows } = await pool.query(`SELECT reltuples::int AS n FROM pg_class WHERE oid = $1::regclass`, [`${schema}.big`]);
    expect(rows[0].n).toBe(5000);
  });

  it('looks again only after its interval, and then only at what grew by more than the fraction since', async () => {
    const keeper = new StatisticsKeeper(pool, targets, { everyMs: 60_000, fraction: 0.5 });
    const start = Date.now();
    expect(await keeper.maybeRun(start)).toEqual([]);
    await pool.query(`INSERT INTO ${schema}.big SELECT g, 'more' FROM generate_series(5001, 6000) g`);
    await rowsSeen('big', 6000);
    expect(await keeper.maybeRun(start + 1_000)).toEqual([]); // within the interval
    expect(await keeper.maybeRun(start + 61_000)).toEqual([]); // 1,000 changes < 1,000 + 0.5 × the 5,000 rows analysed
    await pool.query(`INSERT INTO ${schema}.big SELECT g, 'more' FROM generate_series(6001, 16000) g`);
    await rowsSeen('big', 16000); // > 1,000 + 0.5 × 5,000
    expect(await keeper.maybeRun(start + 122_000)).toEqual([`${schema}.big`]);
  });

  it('does nothing when told never to, and reports a failure instead of throwing', async () => {
    expect(await new StatisticsKeeper(pool, targets, { everyMs: 0 }).maybeRun()).toEqual([]);
    const broken = createPool('postgres://nobody@127.0.0.1:1/none', { connectionTimeoutMillis: 500 });
    const errors: unknown[] = [];
    try {
      expect(await new StatisticsKeeper(broken, targets, { everyMs: 1, onError: (e) => errors.push(e) }).maybeRun()).toEqual([]);
      expect(errors).toHaveLength(1);
    } finally {
      await broken.end();
    }
  });
});
