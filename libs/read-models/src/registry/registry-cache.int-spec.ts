import { Pool } from 'pg';
import { EventEnvelope, RecordedEvent, validateEnvelope } from '@ledger/contracts';
import { createPool, inTransaction, migrate } from '@ledger/postgres';
import { LEDGER_MIGRATIONS_DIR, LEDGER_SCHEMA } from '@ledger/ledger-store';
import { applyRecorded, createTestDatabase } from '@ledger/testing';
import { ReadModels } from '../read-models';
import { READ_MIGRATIONS_DIR, READ_SCHEMA } from '../schemas';

// Each projector process holds the whole registry between batches (RegistryCache) and reads it
// again only when registry_epoch moved. Two ReadModels instances stand for two processes on one
// database: what one of them writes to the registry, the other must resolve with in its next batch.
describe('the registry held between batches', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: Pool;
  let offset = 0;

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = createPool(db.url);
    await migrate(pool, LEDGER_SCHEMA, LEDGER_MIGRATIONS_DIR);
    await migrate(pool, READ_SCHEMA, READ_MIGRATIONS_DIR);
  });

  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  const recorded = (body: Record<string, unknown>): RecordedEvent => {
    const n = ++offset;
    const checked = validateEnvelope({
      eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
      schemaVersion: 1,
      occurredAt: { value: '2025-03-12', precision: 'day' },
      reportedAt: '2025-03-14T12:00:00Z',
      source: { publisher: 'registry-cache-spec' },
      ...body,
    });
    if (!checked.ok) throw new Error(JSON.stringify(checked.problems));
    return { ...(checked.event as EventEnvelope), partition: 0, offset: String(n), recordedAt: new Date(Date.parse('2025-03-14T18:00:00Z') + n).toISOString() };
  };
  const statement = (text: string) => recorded({ type: 'StatementMade', actors: [{ actorId: 'novak' }], data: { text, tone: 'neutral', topics: [] } });
  const roleOf = (of: string) =>
    recorded({ type: 'AffiliationAsserted', actors: [{ actorId: 'novak' }], data: { person: 'novak', of, role: 'foreign_minister', validFrom: '2025-01-01' } });
  const principalOf = async (eventId: string) =>
    (await pool.query(`SELECT e.voices->0->>4 AS principal FROM read_model.events_v1 e WHERE e.event_id = $1`, [eventId])).rows[0]?.principal ?? null;

  it("resolves a process's next batch with the registry another process changed meanwhile", async () => {
    const one = new ReadModels();
    const other = new ReadModels();
    const before = statement('before the role');
    await inTransaction(pool, (c) => applyRecorded(c, [before], one));
    expect(await principalOf(before.eventId)).toBeNull();

    const role = roleOf('SRB');
    await inTransaction(pool, (c) => applyRecorded(c, [role], other));
    // The process that wrote the role re-resolved the earlier statement in the same transaction.
    expect(await principalOf(before.eventId)).toBe('SRB');

    // The first process held the registry from before the role: its next batch must not use it.
    const after = statement('after the role');
    await inTransaction(pool, (c) => applyRecorded(c, [after], one));
    expect(await principalOf(after.eventId)).toBe('SRB');
  });

  it('reads the registry afresh when its epoch row is gone (tables emptied by hand), and a registry write puts the row back', async () => {
    const models = new ReadModels();
    await inTransaction(pool, (c) => applyRecorded(c, [statement('warm the cache')], models));
    await pool.query(`DELETE FROM read_model.registry_epoch`);
    await pool.query(`DELETE FROM read_model.affiliations_v1 WHERE person = 'novak'`);
    const orphan = statement('no role any more');
    await inTransaction(pool, (c) => applyRecorded(c, [orphan], models));
    expect(await principalOf(orphan.eventId)).toBeNull();

    const role = roleOf('MNE');
    await inTransaction(pool, (c) => applyRecorded(c, [role], models));
    expect((await pool.query(`SELECT count(*)::int AS n FROM read_model.registry_epoch`)).rows[0].n).toBe(1);
  });
});
