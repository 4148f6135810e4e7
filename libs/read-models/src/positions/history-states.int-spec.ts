import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Pool } from 'pg';
import { RecordedEvent, validateEnvelope } from '@ledger/contracts';
import { createPool, inTransaction, migrate } from '@ledger/postgres';
import { LEDGER_MIGRATIONS_DIR, LEDGER_SCHEMA } from '@ledger/ledger-store';
import { applyRecorded, createTestDatabase } from '@ledger/testing';
import { readModelDigest } from '../digest';
import { loadKnownAt } from '../known-at/known-at';
import { READ_MIGRATIONS_DIR, READ_SCHEMA } from '../schemas';
import { positionAt, stances } from './positions.queries';

// A history step that leaves the state as it was stores none (NULL): every reader takes the last
// stored state at or before the step it needs, also after a late report re-folded the steps around it.
describe('history steps that store no state', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: Pool;
  let offset = 0;
  const P = 'p-history-states';
  const asOf = new Date('2025-03-12T12:00:00Z');

  const record = async (type: string, occurredAt: string, actor: string, data: Record<string, unknown>, recordedAt: string) => {
    const r = validateEnvelope({ eventId: randomUUID(), type, schemaVersion: 1, occurredAt, actors: [{ actorId: actor }], proposalId: P, source: { publisher: 't' }, data });
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    const recorded: RecordedEvent = { ...r.event, partition: 0, offset: String(offset++), recordedAt };
    await inTransaction(pool, (c) => applyRecorded(c, [recorded]));
  };
  const ukr = <T extends { party: string }>(rows: T[]) => rows.find((r) => r.party === 'UKR')!;

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = createPool(db.url);
    await migrate(pool, LEDGER_SCHEMA, LEDGER_MIGRATIONS_DIR);
    await migrate(pool, READ_SCHEMA, READ_MIGRATIONS_DIR);
    const guarantees = { conditionId: 'ukr-guarantees', text: 'Security guarantees', category: 'security', addressedTo: ['USA'] };
    await record('ProposalAcceptedConditionally', '2025-03-10', 'UKR', { version: 1, conditions: [guarantees] }, '2025-03-10T09:00:00Z');
    // Already conditional: considering the proposal changes nothing.
    await record('ProposalConsidered', '2025-03-12', 'UKR', {}, '2025-03-12T09:00:00Z');
    // A late report: the condition had been met on the 11th, before the unchanged step.
    await record('ConditionResolved', '2025-03-11', 'USA', { conditionId: 'ukr-guarantees', resolution: 'met' }, '2025-03-20T09:00:00Z');
  });

  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('stores NULL on the unchanged step, re-folded after the late report', async () => {
    const { rows } = await pool.query(
      `SELECT event_type, category, open_conditions, state IS NULL AS same FROM read_model.position_history_v1 WHERE party = 'UKR' AND proposal_id = $1 ORDER BY occurred_start`,
      [P],
    );
    expect(rows).toEqual([
      { event_type: 'ProposalAcceptedConditionally', category: 'CONDITIONAL', open_conditions: 1, same: false },
      { event_type: 'ConditionResolved', category: 'CONDITIONAL', open_conditions: 0, same: false },
      { event_type: 'ProposalConsidered', category: 'CONDITIONAL', open_conditions: 0, same: true },
    ]);
  });

  it('positionAt at the unchanged step answers the last stored state, now and as known before the late report', async () => {
    const now = await positionAt(pool, 'UKR', P, asOf, null);
    expect([now.openConditions, now.conditions.map((c) => c.status)]).toEqual([0, ['met']]);
    const before = await positionAt(pool, 'UKR', P, asOf, new Date('2025-03-15T00:00:00Z'));
    expect([before.openConditions, before.conditions.map((c) => c.status)]).toEqual([1, ['open']]);
  });

  it('stances take the last stored state from the live table and from the rows of a knownAt query', async () => {
    expect(ukr(await stances(pool, { proposalId: P }, asOf))).toMatchObject({ category: 'CONDITIONAL', openConditions: 0, score: 0.5 });
    const known = await loadKnownAt(pool, new Date('2025-03-15T00:00:00Z'));
    expect(ukr(await stances(pool, { proposalId: P }, asOf, known))).toMatchObject({ category: 'CONDITIONAL', openConditions: 1, score: 0.4 });
  });

  it('migration 0008 turns full states on every step (as earlier versions stored them) into exactly what the fold stores', async () => {
    const lean = await readModelDigest(pool);
    const order = (t: string) => `(${t}.occurred_start, ${t}.precision_rank, ${t}.authority, ${t}.reported_at, ${t}.partition, ${t}."offset", ${t}.event_id)`;
    await pool.query(
      `UPDATE read_model.position_history_v1 h SET state = (
         SELECT s.state FROM read_model.position_history_v1 s
          WHERE s.party = h.party AND s.proposal_id = h.proposal_id AND s.state IS NOT NULL AND ${order('s')} <= ${order('h')}
          ORDER BY ${order('s')} DESC LIMIT 1)
        WHERE h.state IS NULL`,
    );
    expect((await pool.query(`SELECT count(*)::int AS n FROM read_model.position_history_v1 WHERE state IS NULL`)).rows[0].n).toBe(0);
    const migration = readFileSync(join(READ_MIGRATIONS_DIR, '0008_history_state_changes.sql'), 'utf8');
    await inTransaction(pool, async (c) => {
      await c.query(`SET LOCAL search_path = ${READ_SCHEMA}`);
      await c.query(migration);
    });
    expect(await readModelDigest(pool)).toEqual(lean);
  });
});
