import { randomUUID } from 'node:crypto';
import { SeededQueryApp, startSeededQueryApp } from '../shared/seeded-app.testing';

// GET /v1/parties and /v1/parties/{id} on the seed case, plus France considering the proposal
// without ever being registered.
describe('GET /v1/parties', () => {
  let api: SeededQueryApp;
  const P1 = 'us-30-day-ceasefire-2025';

  beforeAll(async () => {
    api = await startSeededQueryApp([
      { eventId: randomUUID(), type: 'ProposalConsidered', schemaVersion: 1, occurredAt: '2025-03-13', actors: [{ actorId: 'FRA' }], proposalId: P1, data: {} },
    ]);
  });

  afterAll(async () => {
    await api?.close();
  });

  it('lists the registered states and persons, and guesses an unregistered state, in id order', async () => {
    const res = await api.get('/v1/parties');
    expect(res.status).toBe(200);
    const ids = res.body.items.map((p: { id: string }) => p.id);
    expect(ids).toEqual(expect.arrayContaining(['USA', 'RUS', 'UKR', 'SAU', 'trump', 'putin', 'peskov', 'zelensky', 'witkoff', 'FRA']));
    expect(ids).toEqual([...ids].sort((a: string, b: string) => (a < b ? -1 : 1)));
    expect(res.body.nextCursor).toBeUndefined();
    const byId = Object.fromEntries(res.body.items.map((p: { id: string }) => [p.id, p]));
    expect(byId.RUS).toEqual({ id: 'RUS', kind: 'state', name: 'Russian Federation', aliases: ['Russia', 'Moscow', 'Kremlin'], iso3: 'RUS', principal: null, registered: true });
    expect(byId.FRA).toEqual({ id: 'FRA', kind: 'state', name: 'FRA', aliases: [], iso3: 'FRA', principal: null, registered: false });
    expect(byId['usa-delegation-jeddah']).toMatchObject({ kind: 'delegation', principal: 'USA' });
  });

  it('filters by kind and pages with a cursor', async () => {
    const persons = await api.get('/v1/parties?kind=person');
    expect(persons.body.items.map((p: { id: string }) => p.id)).toEqual(['peskov', 'putin', 'trump', 'witkoff', 'zelensky']);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await api.get(`/v1/parties?kind=state&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((p: { id: string }) => p.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['FRA', 'RUS', 'SAU', 'UKR', 'USA']);
  });

  it('shows a state with its affiliations and its positions', async () => {
    const res = await api.get('/v1/parties/RUS');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: 'RUS', kind: 'state', registered: true });
    expect(res.body.affiliations).toEqual([expect.objectContaining({ person: 'putin', of: 'RUS', role: 'head_of_state', validFrom: '2012-05-07', validTo: null })]);
    expect(res.body.positions).toEqual([expect.objectContaining({ party: 'RUS', proposalId: P1, category: 'CONDITIONAL', score: 0.1, openConditions: 4 })]);
  });

  it('shows a person with roles on both sides: Putin heads RUS, Peskov speaks for Putin', async () => {
    const res = await api.get('/v1/parties/putin');
    expect(res.body).toMatchObject({ id: 'putin', kind: 'person', name: 'Vladimir Putin', positions: [] });
    expect(res.body.affiliations.map((a: { person: string; of: string; role: string }) => [a.person, a.role, a.of])).toEqual([
      ['putin', 'head_of_state', 'RUS'],
      ['peskov', 'spokesperson', 'putin'],
    ]);
  });

  it('shows an unregistered position holder, and 404s an unknown id', async () => {
    const fra = await api.get('/v1/parties/FRA');
    expect(fra.body).toMatchObject({ id: 'FRA', registered: false, affiliations: [], positions: [expect.objectContaining({ category: 'NONCOMMITTAL', score: 0 })] });
    const missing = await api.get('/v1/parties/ATL');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    expect(missing.body.code).toBe('party.not_found');
  });

  it('refuses bad parameters with problem+json naming each one', async () => {
    const bad = await api.get('/v1/parties?kind=planet&limit=0&colour=red');
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(bad.body.code).toBe('query.invalid');
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['colour', 'kind', 'limit']);
    expect((await api.get('/v1/parties?cursor=nonsense')).body.code).toBe('query.invalid_cursor');
    expect((await api.get('/v1/parties/%20bad')).body.code).toBe('query.invalid');
    expect((await api.get('/v1/parties/RUS?asOf=2025-03-01')).status).toBe(400);
    expect((await api.get('/v1/parties', 'not-a-token')).status).toBe(401);
  });
});
