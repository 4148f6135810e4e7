import { Draft, resolvedFacts } from '../__tests__/resolved-facts';
import { statementRow } from './statements.fold';

const registry: Draft[] = [
  { type: 'AffiliationAsserted', occurredAt: '2000-05-07', actors: [{ actorId: 'RUS' }], data: { person: 'putin', of: 'RUS', role: 'head_of_state', validFrom: '2000-05-07' } },
  { type: 'ActorRegistered', occurredAt: '2025-01-01', actors: [{ actorId: 'RUS' }], data: { id: 'analyst', kind: 'commentator', name: 'An analyst' } },
];

/** The statements_v1 row of the last of `drafts`, the registry facts before it. */
function rowOf(...drafts: Draft[]) {
  const facts = resolvedFacts([...registry, ...drafts]);
  return statementRow(facts[facts.length - 1]);
}

describe('statements rules (statements.fold)', () => {
  it('writes the row of a StatementMade: when it happened, where it sits in the log, what was said, codes from the catalog', () => {
    const facts = resolvedFacts([
      ...registry,
      {
        type: 'StatementMade',
        occurredAt: { value: '2025-W11', precision: 'week' },
        actors: [{ actorId: 'putin' }],
        proposalId: 'p1',
        evidence: { quote: 'a good idea', direct: true },
        citations: [{ url: 'https://example.org/a', outlet: 'Example' }],
        data: { text: 'The idea is right.', tone: 'optimistic', topics: ['ceasefire'] },
      },
    ]);
    const f = facts[facts.length - 1];
    expect(statementRow(f)).toEqual({
      event_id: f.eventId,
      occurred_value: '2025-W11',
      occurred_precision: 'week',
      occurred_start: '2025-03-10T00:00:00.000Z',
      recorded_at: f.recordedAt,
      partition: 0,
      offset: '2',
      actors: [{ actorId: 'putin' }],
      parties: ['RUS', 'putin'],
      proposal_id: 'p1',
      text: 'The idea is right.',
      tone: 'optimistic',
      topics: ['ceasefire'],
      cameo: '013',
      goldstein: 0.4,
      quote: 'a good idea',
      citations: [{ url: 'https://example.org/a', outlet: 'Example' }],
    });
  });

  it('is found under every actor id, every id spoken for, and every counted principal they roll up to', () => {
    const row = rowOf({
      type: 'StatementMade',
      occurredAt: '2025-03-14',
      actors: [{ actorId: 'peskov', capacity: 'spokesperson', onBehalfOf: 'putin' }, { actorId: 'UKR' }],
      data: { text: 'Words.', tone: 'neutral' },
    });
    expect(row.parties).toEqual(['RUS', 'UKR', 'peskov', 'putin']);
  });

  it('names no principal for a commentator or a person without a role then, only their own ids', () => {
    expect(rowOf({ type: 'StatementMade', occurredAt: '2025-03-14', actors: [{ actorId: 'analyst' }], data: { text: 'Words.', tone: 'neutral' } }).parties).toEqual(['analyst']);
    // Putin's role starts in 2000: in 1999 he speaks for nobody the registry knows.
    expect(rowOf({ type: 'StatementMade', occurredAt: '1999-12-31', actors: [{ actorId: 'putin' }], data: { text: 'Words.', tone: 'neutral' } }).parties).toEqual(['putin']);
  });

  it('codes the tone by the catalog unless the envelope gives its own codes; no proposal, topics, quote or citations read as empty', () => {
    const codes = (tone: string) => rowOf({ type: 'StatementMade', occurredAt: '2025-03-14', actors: [{ actorId: 'UKR' }], data: { text: 'Words.', tone } });
    expect([codes('neutral'), codes('pessimistic'), codes('accord'), codes('denial')].map((r) => [r.cameo, r.goldstein])).toEqual([
      ['010', 0],
      ['012', -0.4],
      ['019', 3.4],
      ['016', -2],
    ]);
    const own = rowOf({
      type: 'StatementMade',
      occurredAt: '2025-03-14',
      actors: [{ actorId: 'UKR' }],
      codes: { cameo: '018', goldstein: 3.4 },
      data: { text: 'Sorry.', tone: 'neutral' },
    });
    expect(own).toMatchObject({ cameo: '018', goldstein: 3.4, proposal_id: null, topics: [], quote: null, citations: [] });
  });
});
