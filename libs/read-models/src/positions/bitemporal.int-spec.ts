import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { EventEnvelope, RecordedEvent, validateEnvelope } from '@ledger/contracts';
import { createPool, inTransaction, migrate } from '@ledger/postgres';
import { LEDGER_MIGRATIONS_DIR, LEDGER_SCHEMA } from '@ledger/ledger-store';
import { applyRecorded, createTestDatabase } from '@ledger/testing';
import { READ_MIGRATIONS_DIR, READ_SCHEMA } from '../schemas';
import { positionAt, positionHistory } from './positions.queries';

// Valid time and record time apart: a late report, a correction and a retraction, each asked
// about with asOf (what had happened by then) and knownAt (what the ledger had been told by then).
describe('positions as of a valid time, as known at a record time', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: Pool;
  let offset = 0;
  const P = 'p-bitemporal';
  const ids = { rejected: randomUUID(), lateAccept: randomUUID(), correction: randomUUID(), retraction: randomUUID() };

  const envelope = (eventId: string, type: string, occurred: string, data: Record<string, unknown>, actors = [{ actorId: 'UKR' }]) => {
    const r = validateEnvelope({
      eventId,
      type,
      schemaVersion: 1,
      occurredAt: occurred,
      actors,
      proposalId: type.startsWith('Event') ? undefined : P,
      source: { publisher: 't' },
      data,
    });
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    return r.event;
  };
  const record = async (e: EventEnvelope, recordedAt: string) => {
    const recorded: RecordedEvent = { ...e, partition: 0, offset: String(offset++), recordedAt };
    await inTransaction(pool, (c) => applyRecorded(c, [recorded]));
  };
  const at = (asOf: string, knownAt: string | null) => positionAt(pool, 'UKR', P, new Date(asOf), knownAt ? new Date(knownAt) : null);

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = createPool(db.url);
    await migrate(pool, LEDGER_SCHEMA, LEDGER_MIGRATIONS_DIR);
    await migrate(pool, READ_SCHEMA, READ_MIGRATIONS_DIR);
    // Recorded on 12 March: UKR rejected the proposal on the 10th.
    await record(envelope(ids.rejected, 'ProposalRejected', '2025-03-10', { reasons: ['Not enough guarantees'] }), '2025-03-12T09:00:00Z');
    // Recorded on the 20th, a late report: UKR had accepted it on the 11th.
    await record(envelope(ids.lateAccept, 'ProposalAccepted', '2025-03-11', { version: 1 }), '2025-03-20T09:00:00Z');
  });

  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('a late report changes the past only for what the ledger knew after it arrived', async () => {
    expect((await at('2025-03-12T23:59:59Z', '2025-03-15T00:00:00Z')).category).toBe('REJECTED');
    expect((await at('2025-03-12T23:59:59Z', null)).category).toBe('ACCEPTED');
    expect((await at('2025-03-12T23:59:59Z', '2025-03-21T00:00:00Z')).category).toBe('ACCEPTED');
    expect((await at('2025-03-10T23:59:59Z', null)).category).toBe('REJECTED');
    expect((await at('2025-03-09T23:59:59Z', null)).category).toBe('UNKNOWN');
    expect((await at('2025-03-12T23:59:59Z', '2025-03-11T00:00:00Z')).category).toBe('UNKNOWN');
  });

  it('the history is a step series in valid time, each step with its record time', async () => {
    const steps = await positionHistory(pool, 'UKR', P, null);
    expect(steps.map((s) => [s.occurredAt.value, s.category, s.recordedAt])).toEqual([
      ['2025-03-10', 'REJECTED', '2025-03-12T09:00:00.000Z'],
      ['2025-03-11', 'ACCEPTED', '2025-03-20T09:00:00.000Z'],
    ]);
    const before = await positionHistory(pool, 'UKR', P, new Date('2025-03-15T00:00:00Z'));
    expect(before.map((s) => [s.occurredAt.value, s.category])).toEqual([['2025-03-10', 'REJECTED']]);
  });

  it('a correction moves the rejection after the acceptance, from the moment it is recorded', async () => {
    await record(
      envelope(ids.correction, 'EventCorrected', '2025-03-25', { targetEventId: ids.rejected, patch: { occurredAt: { value: '2025-03-12', precision: 'day' } } }),
      '2025-03-25T09:00:00Z',
    );
    expect((await at('2025-03-13T00:00:00Z', null)).category).toBe('REJECTED');
    expect((await at('2025-03-11T23:59:59Z', null)).category).toBe('ACCEPTED');
    // Before the correction was recorded, the ledger still put the rejection on the 10th.
    expect((await at('2025-03-10T23:59:59Z', '2025-03-24T00:00:00Z')).category).toBe('REJECTED');
    expect((await at('2025-03-10T23:59:59Z', null)).category).toBe('UNKNOWN');
  });

  it('a retraction removes an event from the record from then on, never before', async () => {
    await record(envelope(ids.retraction, 'EventRetracted', '2025-03-30', { targetEventId: ids.lateAccept, reason: 'The source misreported the talks' }), '2025-03-30T09:00:00Z');
    expect((await at('2025-03-11T23:59:59Z', null)).category).toBe('UNKNOWN');
    expect((await at('2025-03-11T23:59:59Z', '2025-03-29T00:00:00Z')).category).toBe('ACCEPTED');
    expect((await positionHistory(pool, 'UKR', P, null)).map((s) => s.category)).toEqual(['REJECTED']);
  });

  it('knownAt after the last record equals the materialised answer', async () => {
    for (const asOf of ['2025-03-10T12:00:00Z', '2025-03-11T12:00:00Z', '2025-03-13T12:00:00Z']) {
      const live = await at(asOf, null);
      const folded = await at(asOf, '2030-01-01T00:00:00Z');
      expect({ ...folded, knownAt: null }).toEqual(live);
    }
  });
});
