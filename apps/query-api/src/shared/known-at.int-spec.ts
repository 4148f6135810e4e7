import { randomUUID } from 'node:crypto';
import { EventEnvelope, validateEnvelope } from '@ledger/contracts';
import { TokenStore } from '@ledger/ledger-store';
import { inTransaction } from '@ledger/postgres';
import { applyRecorded, createTestContext, http, recordAll, seedEnvelopes, startTestApp, TestContext } from '@ledger/testing';
import { QueryApiModule } from '../query-api.module';

// knownAt on every read route: the ledger is told things in two recording waves (the seed and a
// Russian rejection on 14 March; then, on 20 March, the rejection's retraction, a correction, a new
// statement, a new proposal and a new minister). Each route's live answer is captured after each
// wave; asked later with knownAt between the waves, or after the second, it must answer exactly
// what it answered live then.
describe('knownAt on every read route', () => {
  let ctx: TestContext;
  let app: Awaited<ReturnType<typeof startTestApp>>;
  let token: string;
  const P1 = 'us-30-day-ceasefire-2025';
  const P2 = 'prisoner-exchange-2025';
  const ids = { rejection: randomUUID(), pessimism: randomUUID(), retraction: randomUUID(), correction: randomUUID(), ukr: randomUUID() };
  const WAVE_1 = Date.parse('2025-03-14T18:00:00Z');
  const WAVE_2 = Date.parse('2025-03-20T12:00:00Z');
  const BETWEEN = '2025-03-17T00:00:00Z';
  const AFTER = '2025-03-21T00:00:00Z';
  const ROUTES = [
    '/v1/proposals',
    `/v1/proposals/${P1}?asOf=2025-03-31`,
    '/v1/statements',
    '/v1/statements?q=truce',
    '/v1/threats?asOf=2025-03-31',
    '/v1/dyads?from=2025-03-01&to=2025-04-01',
    '/v1/dyads?from=2025-03-01&to=2025-04-01&interval=month&source=RUS',
    '/v1/parties',
    '/v1/parties/RUS',
    `/v1/positions?party=RUS&proposal=${P1}&asOf=2025-03-31`,
    `/v1/positions/history?party=RUS&proposal=${P1}`,
  ];
  const live: Record<'first' | 'second', Record<string, unknown>> = { first: {}, second: {} };

  const body = (b: Record<string, unknown>): EventEnvelope => {
    const r = validateEnvelope({ eventId: randomUUID(), schemaVersion: 1, ...b, source: { publisher: 'test-desk' } });
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    return r.event;
  };
  const get = async (path: string) => {
    const res = await http('GET', `${app.url}${path}`, { token });
    expect([path, res.status]).toEqual([path, 200]);
    return res.body;
  };
  const withKnownAt = (path: string, at: string) => `${path}${path.includes('?') ? '&' : '?'}knownAt=${at}`;
  /**
   * A knownAt answer says which record time it is for (the live one says null), and a party's
   * positions are at asOf = the wall clock of each request. The rest must match.
   */
  const unstamped = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(unstamped)
      : value && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).flatMap(([k, v]) => (k === 'knownAt' || k === 'asOf' ? [] : [[k, unstamped(v)]])))
        : value;

  const firstWave = () => [
    ...seedEnvelopes(),
    body({
      eventId: ids.rejection,
      type: 'ProposalRejected',
      occurredAt: '2025-03-16',
      actors: [{ actorId: 'RUS' }],
      recipients: [{ actorId: 'USA' }],
      proposalId: P1,
      data: { reasons: ['A pause would let Ukraine regroup'] },
    }),
    body({
      eventId: ids.pessimism,
      type: 'StatementMade',
      occurredAt: '2025-03-15',
      actors: [{ actorId: 'RUS' }],
      recipients: [{ actorId: 'USA' }],
      proposalId: P1,
      data: { text: 'Moscow sees no basis for a truce yet', tone: 'pessimistic', topics: ['ceasefire'] },
    }),
  ];
  const secondWave = () => [
    body({
      eventId: ids.retraction,
      type: 'EventRetracted',
      occurredAt: '2025-03-20',
      actors: [{ actorId: 'RUS' }],
      data: { targetEventId: ids.rejection, reason: 'Misreported' },
    }),
    body({
      eventId: ids.correction,
      type: 'EventCorrected',
      occurredAt: '2025-03-20',
      actors: [{ actorId: 'RUS' }],
      data: { targetEventId: ids.pessimism, patch: { data: { text: 'Moscow wants guarantees before any pause' } } },
    }),
    body({
      eventId: ids.ukr,
      type: 'StatementMade',
      occurredAt: '2025-03-19',
      actors: [{ actorId: 'UKR' }],
      recipients: [{ actorId: 'RUS' }],
      proposalId: P1,
      data: { text: 'Kyiv will keep to the truce if Moscow does', tone: 'optimistic', topics: ['ceasefire'] },
    }),
    body({
      type: 'ProposalMade',
      occurredAt: '2025-03-19',
      actors: [{ actorId: 'UKR' }],
      recipients: [{ actorId: 'RUS' }],
      proposalId: P2,
      data: { proposal: { title: 'All-for-all prisoner exchange', kind: 'other', terms: ['all for all'] }, version: 1 },
    }),
    body({
      type: 'ActorRegistered',
      occurredAt: '2025-03-19',
      actors: [{ actorId: 'lavrov' }],
      data: { id: 'lavrov', kind: 'person', name: 'Sergey Lavrov', aliases: ['Lavrov'] },
    }),
    body({
      type: 'AffiliationAsserted',
      occurredAt: '2025-03-19',
      actors: [{ actorId: 'lavrov' }],
      data: { person: 'lavrov', of: 'RUS', role: 'foreign_minister', validFrom: '2004-03-09' },
    }),
  ];

  beforeAll(async () => {
    ctx = await createTestContext();
    token = (await new TokenStore(ctx.pool).create({ name: 'auditor', scopes: ['read'] })).token;
    app = await startTestApp(ctx, [QueryApiModule]);
    const first = firstWave();
    // One log: the second wave continues the first's offsets, recorded days later.
    const recorded = recordAll([...first, ...secondWave()], WAVE_1).map((e, i) => (i < first.length ? e : { ...e, recordedAt: new Date(WAVE_2 + i).toISOString() }));
    await inTransaction(ctx.pool, (c) => applyRecorded(c, recorded.slice(0, first.length)));
    for (const path of ROUTES) live.first[path] = await get(path);
    await inTransaction(ctx.pool, (c) => applyRecorded(c, recorded.slice(first.length)));
    for (const path of ROUTES) live.second[path] = await get(path);
  });

  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  it('the second wave changed every route (else the comparisons below would prove nothing)', () => {
    for (const path of ROUTES) expect([path, unstamped(live.second[path])]).not.toEqual([path, unstamped(live.first[path])]);
  });

  it.each(ROUTES)('%s at a knownAt between the waves answers what it answered live then, not what it knows now', async (path) => {
    expect(unstamped(await get(withKnownAt(path, BETWEEN)))).toEqual(unstamped(live.first[path]));
  });

  it.each(ROUTES)('%s at a knownAt after the second wave answers what it answers live', async (path) => {
    expect(unstamped(await get(withKnownAt(path, AFTER)))).toEqual(unstamped(live.second[path]));
  });

  it('a retracted report is visible before its retraction was recorded and gone after', async () => {
    const threat = async (at: string) => (await get(`/v1/threats?asOf=2025-03-31&knownAt=${at}`)).items.find((t: any) => t.triggeredBy === ids.rejection);
    expect(await threat(BETWEEN)).toMatchObject({ status: 'triggered', by: 'USA' });
    expect(await threat(AFTER)).toBeUndefined();
    const russia = async (at: string) => (await get(`/v1/proposals?knownAt=${at}`)).items.find((p: any) => p.id === P1).stances.RUS.category;
    expect(await russia(BETWEEN)).toBe('REJECTED');
    expect(await russia(AFTER)).toBe('CONDITIONAL');
    const dyad = async (at: string) => (await get(`/v1/dyads?from=2025-03-16&to=2025-03-17&source=RUS&target=USA&knownAt=${at}`)).items;
    expect(await dyad(BETWEEN)).toHaveLength(1);
    expect(await dyad(AFTER)).toEqual([]);
  });

  it('a correction shows only from its record time: the statement reads as first reported before it', async () => {
    const text = async (at: string) => (await get(`/v1/statements?party=RUS&knownAt=${at}`)).items.find((s: any) => s.eventId === ids.pessimism).text;
    expect(await text(BETWEEN)).toBe('Moscow sees no basis for a truce yet');
    expect(await text(AFTER)).toBe('Moscow wants guarantees before any pause');
  });

  it('asked before anything was recorded, lists are empty and a proposal is unknown (404), never a 500', async () => {
    const before = '2025-03-01T00:00:00Z';
    for (const path of ['/v1/proposals', '/v1/statements', '/v1/threats', '/v1/parties', '/v1/dyads?from=2025-03-01&to=2025-04-01']) {
      expect([path, (await get(withKnownAt(path, before))).items]).toEqual([path, []]);
    }
    const res = await http('GET', `${app.url}/v1/proposals/${P1}?knownAt=${before}`, { token });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('proposal.not_found');
    expect((await http('GET', `${app.url}/v1/parties/lavrov?knownAt=${BETWEEN}`, { token })).status).toBe(404);
  });

  it.each(ROUTES)('%s refuses a knownAt that is not a date or a zoned timestamp with 400 query.invalid naming knownAt', async (path) => {
    for (const bad of ['yesterday', '2025-02-30', '2025-03-14T18:00']) {
      const res = await http('GET', `${app.url}${withKnownAt(path, bad)}`, { token });
      expect([bad, res.status, res.body.code, res.body.errors?.[0]?.field]).toEqual([bad, 400, 'query.invalid', 'knownAt']);
    }
  });
});
