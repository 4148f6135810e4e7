import { Pool } from 'pg';
import { createPool, migrate } from '@ledger/postgres';
import { createTestDatabase } from '@ledger/testing';
import { LEDGER_MIGRATIONS_DIR, LEDGER_SCHEMA } from '@ledger/ledger-store';
import { READ_MIGRATIONS_DIR, READ_SCHEMA } from '@ledger/read-models';
import { grantReaderRole, READER_ROLE } from './reader-role';
import { replayFrozen } from './replay';

// Least privilege: the role dashboards use reads the read models and the journal, and cannot write.
describe('the read-only role', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let admin: Pool;
  let reader: Pool;
  const role = READER_ROLE;

  beforeAll(async () => {
    db = await createTestDatabase();
    admin = createPool(db.url);
    await migrate(admin, LEDGER_SCHEMA, LEDGER_MIGRATIONS_DIR);
    await migrate(admin, READ_SCHEMA, READ_MIGRATIONS_DIR);
    await grantReaderRole(admin, role, 'reader-secret');
    const url = new URL(db.url);
    url.username = role;
    url.password = 'reader-secret';
    reader = createPool(url.toString(), { max: 1 });
  });

  afterAll(async () => {
    await reader?.end();
    await admin?.query(`DROP OWNED BY ${role}`).catch(() => undefined);
    await admin?.end();
    await db?.drop();
    const cleanup = createPool(process.env.LEDGER_TEST_DATABASE_URL!, { max: 1 });
    await cleanup.query(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
    await cleanup.end();
  });

  it('reads the read models and the journal', async () => {
    await expect(reader.query('SELECT count(*) FROM read_model.party_positions_v1')).resolves.toBeDefined();
    await expect(reader.query('SELECT count(*) FROM ledger.journal')).resolves.toBeDefined();
  });

  it('cannot write anywhere', async () => {
    await expect(reader.query(`INSERT INTO read_model.actors_v1 (id, kind, name, aliases, basis_event_id) VALUES ('X', 'state', 'X', '{}', gen_random_uuid())`)).rejects.toThrow(
      /permission denied/,
    );
    await expect(reader.query(`UPDATE ledger.tokens SET revoked_at = now()`)).rejects.toThrow(/permission denied/);
    await expect(reader.query(`DELETE FROM ledger.journal`)).rejects.toThrow(/permission denied/);
    await expect(reader.query(`CREATE TABLE read_model.intruder (x int)`)).rejects.toThrow(/permission denied/);
  });

  it("can read a replay's new schema, and still not write there", async () => {
    await replayFrozen(admin, 'read_model_at_role_test', {});
    await expect(reader.query('SELECT count(*) FROM read_model_at_role_test.party_positions_v1')).resolves.toBeDefined();
    await expect(reader.query(`DELETE FROM read_model_at_role_test.party_positions_v1`)).rejects.toThrow(/permission denied/);
  });
});
