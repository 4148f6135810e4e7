import { randomUUID } from 'node:crypto';
import { SeededQueryApp, startSeededQueryApp } from '../shared/seeded-app.testing';

// GET /v1/proposals and /v1/proposals/{id} on the seed case (DOMAIN.md §5), plus a proposal that
// only appears through a party considering it.
describe('GET /v1/proposals', () => {
  let api: SeededQueryApp;
  const P1 = 'us-30-day-ceasefire-2025';
  const P2 = 'unrecorded-plan';

  beforeAll(async () => {
    api = await startSeededQueryApp([
      { eventId: randomUUID(), type: 'ProposalConsidered', schemaVersion: 1, occurredAt: '2025-03-14', actors: [{ actorId: 'UKR' }], proposalId: P2, data: {} },
    ]);
  });

  afterAll(async () => {
    await api?.close();
  });

  it("lists the ceasefire with each party's category and score", async () => {
    const res = await api.get('/v1/proposals');
    expect(res.status).toBe(200);
    expect(res.body.items.find((p: { id: string }) => p.id === P1)).toEqual({
      id: P1,
      title: '30-day ceasefire',
      kind: 'ceasefire',
      version: 1,
      proposer: 'USA',
      madeAt: { value: '2025-W11', precision: 'week' },
      durationDays: 30,
      stances: {
        RUS: { category: 'CONDITIONAL', score: 0.1 },
        UKR: { category: 'ACCEPTED', score: 1 },
        USA: { category: 'PROPOSER', score: 1 },
      },
    });
  });

  it('lists a proposal only known from positions, with a null title', async () => {
    const res = await api.get('/v1/proposals');
    expect(res.body.items.map((p: { id: string }) => p.id)).toEqual([P2, P1].sort());
    expect(res.body.items.find((p: { id: string }) => p.id === P2)).toMatchObject({
      id: P2,
      title: null,
      kind: null,
      proposer: null,
      madeAt: null,
      stances: { UKR: { category: 'NONCOMMITTAL', score: 0 } },
    });
    const detail = await api.get(`/v1/proposals/${P2}`);
    expect(detail.body).toMatchObject({ id: P2, title: null, terms: [], versions: [], stances: [expect.objectContaining({ party: 'UKR', category: 'NONCOMMITTAL' })] });
  });

  it('shows every stance with conditions and the words behind it', async () => {
    const res = await api.get(`/v1/proposals/${P1}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: P1,
      terms: ['Ceasefire along the whole front line for 30 days', 'Extendable by mutual agreement'],
      versions: [expect.objectContaining({ version: 1 })],
    });
    const stances = Object.fromEntries(res.body.stances.map((s: { party: string }) => [s.party, s]));
    expect(Object.keys(stances).sort()).toEqual(['RUS', 'UKR', 'USA']);
    expect(stances.USA).toMatchObject({ category: 'PROPOSER', score: 1, basis: { type: 'ProposalMade', quote: "Trump's 30-day ceasefire proposal" } });
    expect(stances.UKR).toMatchObject({ category: 'ACCEPTED', score: 1, basis: { type: 'ProposalAccepted', direct: false } });
    expect(stances.RUS).toMatchObject({
      category: 'CONDITIONAL',
      score: 0.1,
      openConditions: 4,
      since: { value: '2025-03-13', precision: 'day' },
      basis: { type: 'ProposalAcceptedConditionally', quote: 'Who will determine where and who violated the ceasefire?', direct: true },
    });
    expect(stances.RUS.conditions.map((c: { conditionId: string; status: string }) => [c.conditionId, c.status])).toEqual([
      ['rus-kursk-withdrawal', 'open'],
      ['rus-no-rearmament', 'open'],
      ['rus-front-line-supervision', 'open'],
      ['rus-root-causes', 'open'],
    ]);
  });

  it('answers as of a past day: before 13 March Russia had not answered', async () => {
    const res = await api.get(`/v1/proposals/${P1}?asOf=2025-03-12`);
    expect(res.status).toBe(200);
    const rus = res.body.stances.find((s: { party: string }) => s.party === 'RUS');
    expect(rus?.category ?? 'UNKNOWN').not.toBe('CONDITIONAL');
    expect(res.body.stances.every((s: { asOf: string }) => s.asOf === '2025-03-12T23:59:59.999Z')).toBe(true);
  });

  it('404s an unknown proposal and refuses bad parameters', async () => {
    const missing = await api.get('/v1/proposals/no-such-plan');
    expect([missing.status, missing.body.code]).toEqual([404, 'proposal.not_found']);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    const bad = await api.get(`/v1/proposals/${P1}?knownAt=now`);
    expect([bad.status, bad.body.code]).toEqual([400, 'query.invalid']);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['knownAt']);
    const badTime = await api.get(`/v1/proposals/${P1}?asOf=yesterday`);
    expect(badTime.body.errors).toEqual([expect.objectContaining({ field: 'asOf' })]);
    const badLimit = await api.get('/v1/proposals?limit=many');
    expect(new Set(badLimit.body.errors.map((e: { field: string }) => e.field))).toEqual(new Set(['limit']));
  });
});
