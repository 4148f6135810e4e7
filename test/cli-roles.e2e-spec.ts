import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { EmbeddedEventLog } from '@ledger/log';
import { createPool, quoteIdent } from '@ledger/postgres';
import { createTestDatabase, runCommand } from '@ledger/testing';

// The CLI's read commands on a least-privileged role, and its guard against a mistaken --schema,
// as real processes on a fresh database with the embedded log.
describe('ledger CLI on least-privileged roles', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: Pool;
  const role = `t_cli_auditor_${randomBytes(4).toString('hex')}`;
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const cli = (env: Record<string, string>, ...args: string[]) => runCommand('apps/ledger-cli/src/main.js', args, { KAFKA_BROKERS: '', ...env });

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = createPool(db.url);
    await new EmbeddedEventLog(pool).init(); // the log a ledger without Kafka keeps in its database
  });

  afterAll(async () => {
    await pool?.query(`DROP OWNED BY ${quoteIdent(role)}`).catch(() => undefined);
    await pool?.end();
    await db?.drop();
    const cleanup = createPool(process.env.LEDGER_TEST_DATABASE_URL!, { max: 1 });
    await cleanup.query(`DROP ROLE IF EXISTS ${quoteIdent(role)}`).catch(() => undefined);
    await cleanup.end();
  });

  it('replay refuses --schema ledger through the CLI and drops nothing', async () => {
    const tokens = await cli({ DATABASE_URL: db.url }, 'tokens', 'create', '--name', 'keep', '--scopes', 'read');
    expect(tokens.code).toBe(0);
    const refused = await cli({ DATABASE_URL: db.url }, 'replay', '--known-at', '2026-12-05', '--schema', 'ledger');
    expect(refused.code).toBe(1);
    expect(refused.output).toContain('schema ledger was not created by ledger replay: refused, nothing dropped');
    expect((await pool.query(`SELECT name FROM ledger.tokens`)).rows).toEqual([{ name: 'keep' }]);
    const again = await cli({ DATABASE_URL: db.url }, 'replay', '--known-at', '2026-12-05');
    expect(again.output).toContain('read_model_at_20261205_235959_999');
    const twice = await cli({ DATABASE_URL: db.url }, 'replay', '--known-at', '2026-12-05');
    expect([twice.code, twice.output]).toEqual([1, expect.stringContaining('pass --replace to rebuild it')]);
    expect((await cli({ DATABASE_URL: db.url }, 'replay', '--known-at', '2026-12-05', '--replace')).code).toBe(0);
  });

  it('export and verify run as the auditor role without migrating; the password never goes on argv', async () => {
    const granted = await cli({ DATABASE_URL: db.url, LEDGER_AUDITOR_PASSWORD: password }, 'db', 'grant-auditor', '--role', role);
    expect([granted.code, granted.output]).toEqual([0, expect.stringContaining(`role ${role} may read the read models`)]);
    expect(granted.output).not.toContain(password);
    const onArgv = await cli({ DATABASE_URL: db.url }, 'db', 'grant-reader', '--password', password);
    expect(onArgv.code).toBe(1);

    const url = new URL(db.url);
    url.username = role;
    url.password = password;
    const exported = await cli({ DATABASE_URL: url.toString() }, 'export', '--party', 'RUS');
    expect([exported.code, exported.output]).toEqual([0, expect.stringContaining('exported 1 line(s)')]);
    // A fresh ledger has no signed checkpoint yet: verify would answer NOT PROVEN (exit 2) without --allow-unsigned.
    const verified = await cli({ DATABASE_URL: url.toString() }, 'verify', '--allow-unsigned');
    expect(verified.output).not.toContain('permission denied');
    expect(verified.code).toBe(0);
    expect((await pool.query(`SELECT count(*)::int AS n FROM ledger.verifications`)).rows[0].n).toBe(1);
  });
});
