import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { createPool, migrate, quoteIdent } from '@ledger/postgres';
import { createTestDatabase } from '@ledger/testing';
import { LEDGER_MIGRATIONS_DIR, LEDGER_SCHEMA, TokenStore } from '@ledger/ledger-store';
import { READ_MIGRATIONS_DIR, READ_SCHEMA } from '@ledger/read-models';
import { grantLedgerRole, RoleKind } from './reader-role';
import { replayFrozen } from './replay';

// Least privilege: dashboards read the read models and nothing else; auditors also read the
// journal; neither reads tokens, and neither can write.
describe('the reader and auditor roles', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let admin: Pool;
  const suffix = randomBytes(4).toString('hex');
  const roles: Record<RoleKind, string> = { reader: `t_reader_${suffix}`, auditor: `t_auditor_${suffix}` };
  const pools: Partial<Record<RoleKind, Pool>> = {};
  let token: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    admin = createPool(db.url);
    await migrate(admin, LEDGER_SCHEMA, LEDGER_MIGRATIONS_DIR);
    await migrate(admin, READ_SCHEMA, READ_MIGRATIONS_DIR);
    token = (await new TokenStore(admin).create({ name: 'dash', scopes: ['read'] })).token;
    await admin.query(
      `INSERT INTO ledger.rejections (partition, "offset", topic, reason, problems, raw, recorded_at) VALUES (0, 0, 't', 'event.undecodable', '[]', '\\x736563726574', now())`,
    );
    await replayFrozen(admin, 'read_model_at_role_test', {});
    for (const kind of ['reader', 'auditor'] as const) {
      await grantLedgerRole(admin, roles[kind], kind, `pw-${suffix}`);
      const url = new URL(db.url);
      url.username = roles[kind];
      url.password = `pw-${suffix}`;
      pools[kind] = createPool(url.toString(), { max: 1 });
    }
  });

  afterAll(async () => {
    for (const pool of Object.values(pools)) await pool?.end();
    for (const role of Object.values(roles)) await admin?.query(`DROP OWNED BY ${quoteIdent(role)}`).catch(() => undefined);
    await admin?.end();
    await db?.drop();
    const cleanup = createPool(process.env.LEDGER_TEST_DATABASE_URL!, { max: 1 });
    for (const role of Object.values(roles)) await cleanup.query(`DROP ROLE IF EXISTS ${quoteIdent(role)}`).catch(() => undefined);
    await cleanup.end();
  });

  const denied = (pool: Pool, sql: string) => expect(pool.query(sql)).rejects.toThrow(/permission denied/);

  it('the reader role cannot read tokens or rejected bytes, can read a frozen copy', async () => {
    const reader = pools.reader!;
    await expect(reader.query('SELECT count(*) FROM read_model.party_positions_v1')).resolves.toBeDefined();
    await expect(reader.query('SELECT count(*) FROM read_model_at_role_test.party_positions_v1')).resolves.toBeDefined();
    await denied(reader, 'SELECT * FROM ledger.tokens');
    await denied(reader, 'SELECT raw FROM ledger.rejections');
    await denied(reader, 'SELECT count(*) FROM ledger.journal');
    // The events' words are the read models' own (the journal is the fact store): through the view, never the journal's hashes.
    await expect(reader.query('SELECT event_id, envelope, effective FROM read_model.event_forms')).resolves.toBeDefined();
    await expect(reader.query('SELECT envelope FROM read_model_at_role_test.event_forms')).resolves.toBeDefined();
    await denied(reader, 'CREATE TEMP TABLE stash (x int)');
    // A token is still checked for the query API, through the lookup function: knowing it is the only way in.
    expect(await new TokenStore(reader).verify(token)).toMatchObject({ name: 'dash', scopes: ['read'] });
  });

  it('the auditor role reads the journal and rejected bytes, never tokens', async () => {
    const auditor = pools.auditor!;
    await expect(auditor.query('SELECT count(*) FROM ledger.journal')).resolves.toBeDefined();
    expect((await auditor.query(`SELECT convert_from(raw, 'UTF8') AS raw FROM ledger.rejections`)).rows).toEqual([{ raw: 'secret' }]);
    await expect(auditor.query('SELECT count(*) FROM read_model_at_role_test.party_positions_v1')).resolves.toBeDefined();
    await denied(auditor, 'SELECT * FROM ledger.tokens');
    expect(await new TokenStore(auditor).verify(token)).toMatchObject({ name: 'dash' });
  });

  it('neither role can write anywhere', async () => {
    for (const pool of Object.values(pools)) {
      await denied(pool, `INSERT INTO read_model.actors_v1 (id, kind, name, aliases, basis_event_id) VALUES ('X', 'state', 'X', '{}', gen_random_uuid())`);
      await denied(pool, `UPDATE ledger.tokens SET revoked_at = now()`);
      await denied(pool, `DELETE FROM ledger.journal`);
      await denied(pool, `CREATE TABLE read_model.intruder (x int)`);
      await denied(pool, `DELETE FROM read_model_at_role_test.party_positions_v1`);
      await denied(pool, `CREATE SCHEMA intruder`);
    }
  });
});
