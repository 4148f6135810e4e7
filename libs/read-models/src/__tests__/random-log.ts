import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { EventEnvelope, RecordedEvent, validateEnvelope } from '@ledger/contracts';

/**
 * Random logs for the property tests: a few proposals, actors whose voices roll up through
 * affiliations that may arrive late, conditions, threats, meetings, and corrections and
 * retractions of earlier events, over three partitions.
 */
const PROPOSALS = ['p1', 'p2'];
const ACTORS = [[{ actorId: 'RUS' }], [{ actorId: 'UKR' }], [{ actorId: 'USA' }], [{ actorId: 'putin' }], [{ actorId: 'peskov', onBehalfOf: 'putin' }], [{ actorId: 'lavrov' }]];
const CONDITIONS = ['c1', 'c2', 'c3'].map((id) => ({ conditionId: id, text: `condition ${id}`, category: 'military', addressedTo: ['USA'] }));

export type Draft = { type: string; data: Record<string, unknown>; proposal?: boolean; actors?: number; recipients?: boolean; target?: number };
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

export const logArb = fc.array(
  fc.record({ draft: fc.oneof(...drafts), day: fc.integer({ min: 1, max: 9 }), proposal: fc.constantFrom(...PROPOSALS), actors: fc.nat(ACTORS.length - 1), partition: fc.nat(2) }),
  { minLength: 5, maxLength: 35 },
);

export function buildLog(
  items: fc.Arbitrary<unknown> extends never ? never : { draft: Draft; day: number; proposal: string; actors: number; partition: number }[],
): RecordedEvent[] {
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
