import { randomUUID } from 'node:crypto';
import { SeededQueryApp, startSeededQueryApp } from '../shared/seeded-app.testing';

// GET /v1/threats: the seed's conditional threat (USA → RUS, 12 March), later triggered by a
// Russian rejection (21 March) and executed (28 March); a second threat with a deadline of
// 20 March that nothing triggers, so it lapses. Status is judged at asOf.
describe('GET /v1/threats', () => {
  let api: SeededQueryApp;
  const P1 = 'us-30-day-ceasefire-2025';
  const seedThreat = '9a0cd94b-6d26-58fa-b45e-9c47d5cc9640';
  const laterThreat = randomUUID();
  const rejection = randomUUID();
  const imposed = randomUUID();
  const trump = [{ actorId: 'trump', capacity: 'head_of_state', onBehalfOf: 'USA' }];
  const ids = (res: { body: { items: { threatId: string; status: string }[] } }) => res.body.items.map((t) => [t.threatId, t.status]);

  beforeAll(async () => {
    api = await startSeededQueryApp([
      {
        eventId: laterThreat,
        type: 'SanctionThreatened',
        schemaVersion: 1,
        occurredAt: '2025-03-16',
        actors: trump,
        recipients: [{ actorId: 'RUS' }],
        data: {
          sanction: { kind: 'diplomatic', scope: 'Expel diplomats' },
          trigger: { party: 'RUS', eventType: 'ProposalRejected', proposalId: 'other-plan' },
          deadline: '2025-03-20',
        },
      },
      {
        eventId: rejection,
        type: 'ProposalRejected',
        schemaVersion: 1,
        occurredAt: '2025-03-21',
        actors: [{ actorId: 'RUS' }],
        recipients: [{ actorId: 'USA' }],
        proposalId: P1,
        data: { reasons: ['A pause would let Ukraine regroup'], version: 1 },
      },
      {
        eventId: imposed,
        type: 'SanctionImposed',
        schemaVersion: 1,
        occurredAt: '2025-03-28',
        actors: [{ actorId: 'USA' }],
        recipients: [{ actorId: 'RUS' }],
        data: { sanction: { kind: 'economic', scope: 'Additional sanctions on Russia' }, fulfilsThreat: seedThreat },
      },
    ]);
  });

  afterAll(async () => {
    await api?.close();
  });

  it('shows one armed threat, USA against RUS, at the end of the seed', async () => {
    const res = await api.get('/v1/threats?asOf=2025-03-15');
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      {
        threatId: seedThreat,
        by: 'USA',
        against: ['RUS'],
        sanction: { kind: 'economic', scope: 'Additional sanctions on Russia' },
        trigger: { party: 'RUS', eventType: 'ProposalRejected', proposalId: P1 },
        deadline: null,
        ultimatum: false,
        proposalId: P1,
        occurredAt: '2025-03-12',
        status: 'armed',
        triggeredBy: null,
        executedBy: null,
      },
    ]);
  });

  it('shows none before the threat was made', async () => {
    expect((await api.get('/v1/threats?asOf=2025-03-11')).body.items).toEqual([]);
  });

  it('moves each threat along as asOf advances: triggered, lapsed after its deadline day, executed', async () => {
    expect(ids(await api.get('/v1/threats?asOf=2025-03-20'))).toEqual([
      [laterThreat, 'armed'],
      [seedThreat, 'armed'],
    ]);
    const triggered = await api.get('/v1/threats?asOf=2025-03-21');
    expect(ids(triggered)).toEqual([
      [laterThreat, 'lapsed'],
      [seedThreat, 'triggered'],
    ]);
    expect(triggered.body.items[1]).toMatchObject({ triggeredBy: rejection, executedBy: null });
    const now = await api.get('/v1/threats');
    expect(ids(now)).toEqual([
      [laterThreat, 'lapsed'],
      [seedThreat, 'executed'],
    ]);
    expect(now.body.items[1]).toMatchObject({ triggeredBy: rejection, executedBy: imposed });
    expect(now.body.items[0]).toMatchObject({ deadline: '2025-03-20', trigger: { party: 'RUS', eventType: 'ProposalRejected', proposalId: 'other-plan' } });
  });

  it('filters by status and by party (threatening or threatened), and pages', async () => {
    expect(ids(await api.get('/v1/threats?status=lapsed'))).toEqual([[laterThreat, 'lapsed']]);
    expect(ids(await api.get('/v1/threats?status=armed&asOf=2025-03-21'))).toEqual([]);
    expect((await api.get('/v1/threats?party=RUS')).body.items).toHaveLength(2);
    expect((await api.get('/v1/threats?party=USA')).body.items).toHaveLength(2);
    expect((await api.get('/v1/threats?party=UKR')).body.items).toEqual([]);
    const first = await api.get('/v1/threats?limit=1');
    expect(ids(first)).toEqual([[laterThreat, 'lapsed']]);
    const second = await api.get(`/v1/threats?limit=1&cursor=${first.body.nextCursor}`);
    expect(ids(second)).toEqual([[seedThreat, 'executed']]);
    expect(second.body.nextCursor).toBeUndefined();
  });

  it('refuses bad parameters with problem+json naming each one', async () => {
    const bad = await api.get('/v1/threats?status=sleeping&party=%20x&by=USA');
    expect([bad.status, bad.body.code]).toEqual([400, 'query.invalid']);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['by', 'party', 'status']);
    expect((await api.get('/v1/threats?asOf=2025-13-01')).body.errors).toEqual([expect.objectContaining({ field: 'asOf' })]);
  });
});
