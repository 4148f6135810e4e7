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
import { STATE_EVERY } from './position-refold';
import { positionAt, stances } from './positions.queries';

// A history step stores the full state only on a pair's first step and on every STATE_EVERY-th change
// (NULL on the others): every reader takes the last stored state at or before the step it needs and
// folds the steps after it again, also after a late report re-folded the steps around it.
describe('history steps that store no state', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: Pool;
  let offset = 0;
  const P = 'p-history-states';
  const asOf = new Date('2025-03-12T12:00:00Z');

  /** A proposal on which RUS changes its mind every day: more than two stored states' worth of changes. */
  const FLIP = 'p-history-flips';
  const flips = 2 * STATE_EVERY + 3;
  const record = async (type: string, occurredAt: string, actor: string, data: Record<string, unknown>, recordedAt: string, proposalId = P) => {
    const r = validateEnvelope({ eventId: randomUUID(), type, schemaVersion: 1, occurredAt, actors: [{ actorId: actor }], proposalId, source: { publisher: 't' }, data });
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
    // Recorded newest first, so every one but the first is a late report re-folding the steps after it.
    for (let i = flips - 1; i >= 0; i--) {
      const day = `2025-04-${String(i + 1).padStart(2, '0')}`;
      const data = i % 3 === 2 ? { version: 1, conditions: [{ ...guarantees, conditionId: `c${i}` }] } : { version: 1 };
      await record(['ProposalAccepted', 'ProposalRejected', 'ProposalAcceptedConditionally'][i % 3], day, 'RUS', data, `2025-05-01T00:00:${String(i).padStart(2, '0')}Z`, FLIP);
    }
  });

  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('stores the state on the first step and on every STATE_EVERY-th change, re-folded after the late reports', async () => {
    const { rows } = await pool.query(
      `SELECT event_type, category, open_conditions, state IS NOT NULL AS stored FROM read_model.position_history_v1 WHERE party = 'UKR' AND proposal_id = $1 ORDER BY occurred_start`,
      [P],
    );
    expect(rows).toEqual([
      { event_type: 'ProposalAcceptedConditionally', category: 'CONDITIONAL', open_conditions: 1, stored: true },
      { event_type: 'ConditionResolved', category: 'CONDITIONAL', open_conditions: 0, stored: false },
      { event_type: 'ProposalConsidered', category: 'CONDITIONAL', open_conditions: 0, stored: false },
    ]);
    const flipped = await pool.query(`SELECT state IS NOT NULL AS stored FROM read_model.position_history_v1 WHERE party = 'RUS' AND proposal_id = $1 ORDER BY occurred_start`, [
      FLIP,
    ]);
    expect(flipped.rows.flatMap((r, i) => (r.stored ? [i] : []))).toEqual([0, STATE_EVERY, 2 * STATE_EVERY]);
  });

  it('positionAt and stances at every step answer what a fold of everything known answers (the knownAt path stores no sparse states)', async () => {
    const later = new Date('2026-01-01T00:00:00Z');
    const known = await loadKnownAt(pool, later);
    for (let i = 0; i < flips; i++) {
      const at = new Date(`2025-04-${String(i + 1).padStart(2, '0')}T12:00:00Z`);
      const [live, folded] = [await positionAt(pool, 'RUS', FLIP, at, null), await positionAt(pool, 'RUS', FLIP, at, later)];
      expect([i, { ...live, knownAt: null }]).toEqual([i, { ...folded, knownAt: null }]);
      const [stance] = await stances(pool, { proposalId: FLIP }, at);
      expect([i, stance]).toEqual([i, { ...(await stances(pool, { proposalId: FLIP }, at, known))[0], knownAt: null }]);
      expect([i, stance.conditions.length]).toEqual([i, Math.floor((i + 1) / 3)]);
    }
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

  it('migrations 0008 and 0012 turn full states on every step (as earlier versions stored them) into exactly what the fold stores', async () => {
    const lean = await readModelDigest(pool);
    const order = (t: string) => `(${t}.occurred_start, ${t}.precision_rank, ${t}.authority, ${t}.reported_at, ${t}.partition, ${t}."offset", ${t}.event_id)`;
    // Every step's full state: a knownAt fold of everything stores it on every change.
    const everyChange = (await loadKnownAt(pool, new Date('2026-01-01T00:00:00Z'))).table('position_history_v1');
    await pool.query(
      `UPDATE read_model.position_history_v1 h SET state = (
         SELECT s.state FROM jsonb_populate_recordset(NULL::read_model.position_history_v1, $1::jsonb) s
          WHERE s.party = h.party AND s.proposal_id = h.proposal_id AND s.state IS NOT NULL AND ${order('s')} <= ${order('h')}
          ORDER BY ${order('s')} DESC LIMIT 1)`,
      [JSON.stringify(everyChange)],
    );
    expect((await pool.query(`SELECT count(*)::int AS n FROM read_model.position_history_v1 WHERE state IS NULL`)).rows[0].n).toBe(0);
    await inTransaction(pool, async (c) => {
      await c.query(`SET LOCAL search_path = ${READ_SCHEMA}`);
      for (const file of ['0008_history_state_changes.sql', '0012_history_state_checkpoints.sql']) await c.query(readFileSync(join(READ_MIGRATIONS_DIR, file), 'utf8'));
    });
    expect(await readModelDigest(pool)).toEqual(lean);
  });

  it('migration 0013 gives current rows written before it the precision of their since', async () => {
    const lean = await readModelDigest(pool);
    await pool.query(`UPDATE read_model.party_positions_v1 SET since_precision = NULL`);
    await inTransaction(pool, async (c) => {
      await c.query(`SET LOCAL search_path = ${READ_SCHEMA}`);
      await c.query(readFileSync(join(READ_MIGRATIONS_DIR, '0013_current_since_precision.sql'), 'utf8'));
    });
    expect(await readModelDigest(pool)).toEqual(lean);
    const { rows } = await pool.query(
      `SELECT count(since_value)::int AS since, count(*) FILTER (WHERE since_value IS NOT NULL AND since_precision IS NULL)::int AS missing FROM read_model.party_positions_v1`,
    );
    expect(rows[0].since).toBeGreaterThan(1);
    expect(rows[0].missing).toBe(0);
  });
});
