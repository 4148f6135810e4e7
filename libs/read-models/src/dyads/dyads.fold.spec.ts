import { Draft, resolvedFacts } from '../__tests__/resolved-facts';
import { dyadCells, dyadContributions } from './dyads.fold';

const registry: Draft[] = [
  { type: 'AffiliationAsserted', occurredAt: '2000-05-07', actors: [{ actorId: 'RUS' }], data: { person: 'putin', of: 'RUS', role: 'head_of_state', validFrom: '2000-05-07' } },
  { type: 'AffiliationAsserted', occurredAt: '2004-03-09', actors: [{ actorId: 'RUS' }], data: { person: 'lavrov', of: 'RUS', role: 'foreign_minister', validFrom: '2004-03-09' } },
  { type: 'AffiliationAsserted', occurredAt: '2019-05-20', actors: [{ actorId: 'UKR' }], data: { person: 'zelensky', of: 'UKR', role: 'head_of_state', validFrom: '2019-05-20' } },
  { type: 'ActorRegistered', occurredAt: '2025-01-01', actors: [{ actorId: 'RUS' }], data: { id: 'analyst', kind: 'commentator', name: 'An analyst' } },
];

/** The contributions of each of `drafts` (resolved after the registry), all together. */
function contributions(...drafts: Draft[]) {
  return resolvedFacts([...registry, ...drafts])
    .slice(registry.length)
    .flatMap(dyadContributions);
}
const pairs = (...drafts: Draft[]) => contributions(...drafts).map((c) => `${c.source}>${c.target}`);

const sanction = (day: string, from: string, to: string[], codes?: { cameo: string; goldstein: number }): Draft => ({
  type: 'SanctionImposed',
  occurredAt: day,
  actors: [{ actorId: from }],
  recipients: to.map((actorId) => ({ actorId })),
  codes,
  data: { sanction: { kind: 'economic', scope: 'more' } },
});

describe('dyad rules (dyads.fold)', () => {
  it('pairs a meeting’s counted participants, actors and recipients both ways, by principal, on the day it starts', () => {
    const meeting = contributions({
      type: 'MeetingHeld',
      occurredAt: { value: '2025-W11', precision: 'week' },
      actors: [{ actorId: 'witkoff', capacity: 'special_envoy', onBehalfOf: 'USA' }],
      recipients: [{ actorId: 'putin' }],
      data: { participants: ['witkoff', 'putin', 'zelensky'], format: 'visit' },
    });
    expect(meeting.map((c) => `${c.source}>${c.target}`).sort()).toEqual(['RUS>UKR', 'RUS>USA', 'UKR>RUS', 'UKR>USA', 'USA>RUS', 'USA>UKR']);
    expect(meeting[0]).toEqual({ event_id: expect.any(String), source: 'USA', target: 'RUS', seq: 0, day: '2025-03-10', cameo: '042', goldstein: 1.9, quad: 1 });
  });

  it('runs from the actors’ principals to the recipients’ (and the accused’s), never toward the party itself', () => {
    expect(pairs(sanction('2025-03-14', 'USA', ['RUS', 'USA']))).toEqual(['USA>RUS']);
    // Putin and Lavrov both speak for RUS: one pair, not two, and none RUS>RUS.
    expect(pairs({ type: 'MeetingHeld', occurredAt: '2025-03-14', actors: [{ actorId: 'putin' }], data: { participants: ['putin', 'lavrov', 'USA'], format: 'host' } })).toEqual([
      'RUS>USA',
      'USA>RUS',
    ]);
    expect(pairs({ type: 'CeasefireViolationAlleged', occurredAt: '2025-03-14', actors: [{ actorId: 'zelensky' }], data: { by: 'RUS' } })).toEqual(['UKR>RUS']);
  });

  it('counts nothing from commentators, voices without a principal, or negated and hypothetical acts', () => {
    expect(pairs(sanction('2025-03-14', 'analyst', ['RUS']), sanction('2025-03-14', 'USA', ['analyst']), sanction('2025-03-14', 'USA', ['witkoff']))).toEqual([]);
    expect(
      pairs({ ...sanction('2025-03-14', 'USA', ['RUS']), modality: { negated: true } }, { ...sanction('2025-03-14', 'USA', ['RUS']), modality: { hypothetical: true } }),
    ).toEqual([]);
    expect(pairs({ ...sanction('2025-03-14', 'USA', ['RUS']), modality: { hedged: true, future: true } })).toEqual(['USA>RUS']);
  });

  it('adds one coded act per condition of a conditional acceptance besides the acceptance itself', () => {
    const accepted = contributions({
      type: 'ProposalAcceptedConditionally',
      occurredAt: '2025-03-13',
      actors: [{ actorId: 'putin' }],
      recipients: [{ actorId: 'USA' }],
      proposalId: 'p1',
      data: {
        version: 1,
        proposalKind: 'ceasefire',
        conditions: [
          { conditionId: 'kursk', text: 'Leave Kursk', category: 'territorial', addressedTo: ['UKR'] },
          { conditionId: 'watch', text: 'Monitoring', category: 'monitoring', addressedTo: ['UKR'] },
        ],
      },
    });
    expect(accepted.map((c) => [c.source, c.target, c.seq, c.cameo])).toEqual([
      ['RUS', 'USA', 0, '0356'],
      ['RUS', 'USA', 1, '1056'],
      ['RUS', 'USA', 2, '100'],
    ]);
  });

  it('sums a cell’s Goldstein values exactly, as PostgreSQL adds numeric, and counts events and quad classes', () => {
    const cells = dyadCells(
      contributions(
        sanction('2025-03-14', 'USA', ['RUS'], { cameo: '019', goldstein: 3.4 }),
        sanction('2025-03-14', 'USA', ['RUS'], { cameo: '081', goldstein: 10 }),
        sanction('2025-03-14', 'USA', ['RUS'], { cameo: '1312', goldstein: -3.4 }),
        sanction('2025-03-14', 'USA', ['RUS'], { cameo: '163', goldstein: -8 }),
        sanction('2025-03-14', 'USA', ['RUS'], { cameo: '163', goldstein: 8 }),
        // 0.4 + -5.8 + 5.8 is 0.40000000000000036 in floating point.
        sanction('2025-03-15', 'USA', ['RUS'], { cameo: '013', goldstein: 0.4 }),
        sanction('2025-03-15', 'USA', ['RUS'], { cameo: '1312', goldstein: -5.8 }),
        sanction('2025-03-15', 'USA', ['RUS'], { cameo: '081', goldstein: 5.8 }),
        sanction('2025-03-15', 'RUS', ['USA'], { cameo: '1312', goldstein: -0.1 }),
        sanction('2025-03-15', 'RUS', ['USA'], { cameo: '1312', goldstein: -0.2 }),
      ),
    );
    expect(cells).toEqual([
      { source: 'USA', target: 'RUS', day: '2025-03-14', events: 5, goldstein_sum: '10', verbal_coop: 1, material_coop: 1, verbal_conflict: 1, material_conflict: 2 },
      { source: 'USA', target: 'RUS', day: '2025-03-15', events: 3, goldstein_sum: '0.4', verbal_coop: 1, material_coop: 1, verbal_conflict: 1, material_conflict: 0 },
      { source: 'RUS', target: 'USA', day: '2025-03-15', events: 2, goldstein_sum: '-0.3', verbal_coop: 0, material_coop: 0, verbal_conflict: 2, material_conflict: 0 },
    ]);
  });

  it('reads a cell whose values cancel as 0, and refuses a value with more decimals than it keeps exactly', () => {
    const cancel = [3.4, -3.4].map((goldstein) => ({ source: 'USA', target: 'RUS', day: '2025-03-14', goldstein, quad: 1 }));
    expect(dyadCells(cancel)[0]).toMatchObject({ events: 2, goldstein_sum: '0' });
    expect(() => dyadCells([{ source: 'USA', target: 'RUS', day: '2025-03-14', goldstein: 0.1234567890123, quad: 1 }])).toThrow(/more than 12 decimals/);
  });
});
