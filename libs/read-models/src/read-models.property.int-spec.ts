import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Pool } from 'pg';
import { EventEnvelope, RecordedEvent, validateEnvelope } from '@ledger/contracts';
import { createPool, inTransaction, migrate } from '@ledger/postgres';
import { createTestDatabase } from '@ledger/testing';
import { readModelDigest } from './digest';
import { ReadModels } from './read-models';
import { READ_MIGRATIONS_DIR, READ_SCHEMA } from './schemas';

// Invariant 3: the read models are a pure function of the set of events. Any permutation, any
// batching and any duplication of the same recorded events gives byte-identical tables.
const PROPOSALS = ['p1', 'p2'];
const ACTORS = [[{ actorId: 'RUS' }], [{ actorId: 'UKR' }], [{ actorId: 'USA' }], [{ actorId: 'putin' }], [{ actorId: 'peskov', onBehalfOf: 'putin' }], [{ actorId: 'lavrov' }]];
const CONDITIONS = ['c1', 'c2', 'c3'].map((id) => ({ conditionId: id, text: `condition ${id}`, category: 'military', addressedTo: ['USA'] }));

type Draft = { type: string; data: Record<string, unknown>; proposal?: boolean; actors?: number; recipients?: boolean; target?: number };
const drafts: fc.Arbitrary<Draft>[] = [
  fc.constant({ type: 'ProposalMade', data: { proposal: { title: 'Truce', kind: 'ceasefire', terms: ['30 days'] }, version: 1 }, proposal: true }),
  fc.constant({ type: 'ProposalAccepted', data: { version: 1 }, proposal: true }),
  fc.subarray(CONDITIONS, { minLength: 1 }).map((conditions) => ({ type: 'ProposalAcceptedConditionally', data: { version: 1, conditions }, proposal: true })),
  fc.constantFrom(...CONDITIONS).map((condition) => ({ type: 'ConditionStated', data: { condition }, proposal: true })),
  fc.constantFrom('c1', 'c2', 'c3').map((conditionId) => ({ type: 'ConditionResolved', data: { conditionId, resolution: 'met' }, proposal: true })),
  fc.constant({ type: 'ProposalRejected', data: { reasons: ['no'] }, proposal: true }),
  fc.constant({ type: 'ProposalConsidered', data: {}, proposal: true }),
  fc.constantFrom('neutral', 'optimistic', 'pessimistic').map((tone) => ({ type: 'StatementMade', data: { text: 'words', tone, topics: [] }, proposal: true })),
  fc.constantFrom('NONCOMMITTAL', 'REJECTED').map((newCategory) => ({ type: 'PositionWithdrawn', data: { newCategory }, proposal: true })),
  fc.constant({ type: 'AppealMade', data: { ask: 'accept' }, proposal: true, recipients: true }),
  fc.constant({
    type: 'SanctionThreatened',
    data: { sanction: { kind: 'economic', scope: 'more' }, trigger: { party: 'RUS', eventType: 'ProposalRejected', proposalId: 'p1' } },
    recipients: true,
  }),
  fc.constant({ type: 'MeetingHeld', data: { participants: ['putin', 'USA'], format: 'visit' } }),
  fc
    .constantFrom('putin', 'lavrov')
    .map((person) => ({ type: 'AffiliationAsserted', data: { person, of: 'RUS', role: person === 'putin' ? 'head_of_state' : 'foreign_minister', validFrom: '2025-03-03' } })),
  fc.nat(30).map((target) => ({ type: 'EventCorrected', data: { patch: { occurredAt: { value: '2025-03-05', precision: 'day' } } }, target })),
  fc.nat(30).map((target) => ({ type: 'EventRetracted', data: { reason: 'wrong' }, target })),
];

const logArb = fc.array(
  fc.record({ draft: fc.oneof(...drafts), day: fc.integer({ min: 1, max: 9 }), proposal: fc.constantFrom(...PROPOSALS), actors: fc.nat(ACTORS.length - 1), partition: fc.nat(2) }),
  { minLength: 5, maxLength: 35 },
);

function buildLog(items: fc.Arbitrary<unknown> extends never ? never : { draft: Draft; day: number; proposal: string; actors: number; partition: number }[]): RecordedEvent[] {
  const offsets = [0, 0, 0];
  const events: RecordedEvent[] = [];
  items.forEach((item, i) => {
    const d = item.draft;
    const targetId = d.target !== undefined && events.length ? events[d.target % events.length].eventId : undefined;
    if (d.target !== undefined && !targetId) return;
    const raw = {
      eventId: randomUUID(),
      type: d.type,
      schemaVersion: 1,
      occurredAt: `2025-03-0${item.day}`,
      actors: ACTORS[item.actors],
      recipients: d.recipients ? [{ actorId: 'RUS' }] : undefined,
      proposalId: d.proposal ? item.proposal : undefined,
      source: { publisher: 'prop' },
      data: targetId ? { ...d.data, targetEventId: targetId } : d.data,
    };
    const checked = validateEnvelope(JSON.parse(JSON.stringify(raw)));
    if (!checked.ok) throw new Error(`${d.type}: ${JSON.stringify(checked.problems)}`);
    const e: EventEnvelope = checked.event;
    events.push({ ...e, partition: item.partition, offset: String(offsets[item.partition]++), recordedAt: new Date(Date.parse('2025-03-10T00:00:00Z') + i * 1000).toISOString() });
  });
  return events;
}

describe('read models are a pure function of the set of events', () => {
  let dbs: Awaited<ReturnType<typeof createTestDatabase>>[];
  let pools: Pool[];

  beforeAll(async () => {
    dbs = await Promise.all([createTestDatabase(), createTestDatabase()]);
    pools = dbs.map((d) => createPool(d.url, { max: 2 }));
    for (const p of pools) await migrate(p, READ_SCHEMA, READ_MIGRATIONS_DIR);
  });

  afterAll(async () => {
    for (const p of pools ?? []) await p.end();
    for (const d of dbs ?? []) await d.drop();
  });

  const reset = async (pool: Pool) => {
    const { rows } = await pool.query(
      `SELECT string_agg(format('%I.%I', table_schema, table_name), ', ') AS t FROM information_schema.tables WHERE table_schema = 'read_model' AND table_name <> 'schema_migrations'`,
    );
    await pool.query(`TRUNCATE ${rows[0].t}`);
  };
  const applyAll = async (pool: Pool, batches: RecordedEvent[][]) => {
    for (const batch of batches) await inTransaction(pool, (c) => new ReadModels().apply(c, batch));
  };

  it('gives identical digests for any order, batching and duplication', async () => {
    await fc.assert(
      fc.asyncProperty(logArb, fc.array(fc.nat(), { maxLength: 80 }), fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 40 }), async (items, shuffle, sizes) => {
        const log = buildLog(items);
        // A random permutation with random repeats: every event at least once.
        const order = [...log.keys()];
        for (let i = order.length - 1; i > 0; i--) {
          const j = (shuffle[i] ?? i) % (i + 1);
          [order[i], order[j]] = [order[j], order[i]];
        }
        const delivered = [...order, ...shuffle.slice(0, 10).map((n) => n % log.length)].map((i) => log[i]);
        const batches: RecordedEvent[][] = [];
        for (let i = 0, k = 0; i < delivered.length; k++) {
          const size = sizes[k % sizes.length];
          batches.push(delivered.slice(i, i + size));
          i += size;
        }
        await Promise.all(pools.map(reset));
        await applyAll(pools[0], [log]);
        await applyAll(pools[1], batches);
        expect(await readModelDigest(pools[1])).toEqual(await readModelDigest(pools[0]));
      }),
      // LEDGER_PROPERTY_RUNS=500 for a deeper search than CI's default.
      { numRuns: Number(process.env.LEDGER_PROPERTY_RUNS ?? 30) },
    );
  }, 1_800_000);
});
