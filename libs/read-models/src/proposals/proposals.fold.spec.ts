import { Draft, resolvedFacts } from '../__tests__/resolved-facts';
import { proposalEvent, proposalRows } from './proposals.fold';

const registry: Draft[] = [{ type: 'ActorRegistered', occurredAt: '2025-01-01', actors: [{ actorId: 'RUS' }], data: { id: 'analyst', kind: 'commentator', name: 'An analyst' } }];

const made = (proposalId: string, day: Draft['occurredAt'], title: string, extra: Partial<Draft> = {}): Draft => ({
  type: 'ProposalMade',
  occurredAt: day,
  actors: [{ actorId: 'USA' }],
  recipients: [{ actorId: 'RUS' }, { actorId: 'UKR' }],
  proposalId,
  data: { proposal: { title, kind: 'ceasefire' }, version: 1 },
  ...extra,
});
const amended = (proposalId: string, day: Draft['occurredAt'], newVersion: number, termsDelta: string[]): Draft => ({
  type: 'ProposalAmended',
  occurredAt: day,
  actors: [{ actorId: 'USA' }],
  proposalId,
  data: { newVersion, termsDelta },
});

/** The proposals_v1 rows of these events (the registry before them), and the facts they came from. */
function fold(...drafts: Draft[]) {
  const facts = resolvedFacts([...registry, ...drafts]).slice(registry.length);
  return { facts, rows: proposalRows(facts.filter((f) => f.type === 'ProposalMade' || f.type === 'ProposalAmended').map(proposalEvent)) };
}

describe('proposal rules (proposals.fold)', () => {
  it('names a proposal by its ProposalMade: title, kind, terms, duration, proposer and when it was made', () => {
    const { facts, rows } = fold(
      made('p1', { value: '2025-W11', precision: 'week' }, '30-day ceasefire', {
        data: { proposal: { title: '30-day ceasefire', kind: 'ceasefire', terms: ['30 days', 'extendable'], durationDays: 30 }, version: 1 },
      }),
    );
    expect(rows).toEqual([
      {
        id: 'p1',
        title: '30-day ceasefire',
        kind: 'ceasefire',
        terms: ['30 days', 'extendable'],
        duration_days: 30,
        version: 1,
        proposer: 'USA',
        made_event_id: facts[0].eventId,
        made_value: '2025-W11',
        made_start: '2025-03-10T00:00:00.000Z',
        versions: [{ version: 1, eventId: facts[0].eventId, occurredAt: { value: '2025-W11', precision: 'week' }, terms: ['30 days', 'extendable'] }],
      },
    ]);
  });

  it('takes the proposer from the first actor voice, counted ones first, as its principal, else the actor itself', () => {
    const counted = fold(made('p1', '2025-03-11', 'Truce', { actors: [{ actorId: 'analyst' }, { actorId: 'witkoff', capacity: 'special_envoy', onBehalfOf: 'USA' }] }));
    expect(counted.rows[0].proposer).toBe('USA');
    expect(fold(made('p1', '2025-03-11', 'Truce', { actors: [{ actorId: 'analyst' }] })).rows[0].proposer).toBe('analyst');
  });

  it('is named by the first ProposalMade in fold order, whatever order the log has them in', () => {
    const { facts, rows } = fold(made('p1', '2025-03-20', 'Second telling'), made('p1', '2025-03-11', 'First telling'));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ title: 'First telling', made_event_id: facts[1].eventId, made_value: '2025-03-11' });
    expect(rows[0].versions.map((v) => v.eventId)).toEqual([facts[1].eventId, facts[0].eventId]);
  });

  it('adds a version per amendment, in fold order, the latest number being the current version', () => {
    const { facts, rows } = fold(
      amended('p1', { value: '2025-04', precision: 'month' }, 3, ['Dropped: monitoring']),
      made('p1', '2025-03-11', 'Truce'),
      amended('p1', '2025-03-25', 2, ['Added: monitoring']),
    );
    expect(rows[0].version).toBe(3);
    expect(rows[0].versions).toEqual([
      { version: 1, eventId: facts[1].eventId, occurredAt: { value: '2025-03-11', precision: 'day' }, terms: [] },
      { version: 2, eventId: facts[2].eventId, occurredAt: { value: '2025-03-25', precision: 'day' }, termsDelta: ['Added: monitoring'] },
      { version: 3, eventId: facts[0].eventId, occurredAt: { value: '2025-04', precision: 'month' }, termsDelta: ['Dropped: monitoring'] },
    ]);
  });

  it('yields nothing for amendments of a proposal no ProposalMade names, and one row per proposal that has one', () => {
    expect(fold(amended('p1', '2025-03-25', 2, ['Added: monitoring'])).rows).toEqual([]);
    const { rows } = fold(made('p1', '2025-03-11', 'Truce'), amended('p2', '2025-03-25', 2, ['Added: monitoring']), made('p3', '2025-03-12', 'Talks'));
    expect(rows.map((r) => [r.id, r.title, r.version, r.terms, r.duration_days])).toEqual([
      ['p1', 'Truce', 1, [], null],
      ['p3', 'Talks', 1, [], null],
    ]);
  });
});
