import { IngestApiModule } from '../apps/ingest-api/src/ingest-api.module';
import { ProjectorModule } from '../apps/projector/src/projector.module';
import { QueryApiModule } from '../apps/query-api/src/query-api.module';
import { TokenStore } from '@ledger/ledger-store';
import { eventually, http, statementMade, createTestContext, startTestApp, TestContext } from '@ledger/testing';

// A statement travels HTTP → Kafka → projector → Postgres → query API: three apps, one real
// broker, one real server.
describe('walking skeleton', () => {
  let ctx: TestContext;
  let apps: { url: string; close(): Promise<void> }[];
  let publishToken: string;
  let readToken: string;

  beforeAll(async () => {
    ctx = await createTestContext();
    const tokens = new TokenStore(ctx.pool);
    publishToken = (await tokens.create({ name: 'coder-desk', scopes: ['publish'] })).token;
    readToken = (await tokens.create({ name: 'dashboard', scopes: ['read'] })).token;
    apps = [await startTestApp(ctx, [IngestApiModule]), await startTestApp(ctx, [ProjectorModule]), await startTestApp(ctx, [QueryApiModule])];
  });

  afterAll(async () => {
    for (const app of apps ?? []) await app.close();
    await ctx?.close();
  });

  it('posts a statement and reads it back from the query API within a second', async () => {
    const [ingest, , query] = apps;
    const body = statementMade();
    const posted = await http('POST', `${ingest.url}/v1/events`, { json: body, token: publishToken });
    expect(posted.status).toBe(202);
    expect(posted.body).toMatchObject({ eventId: body.eventId, status: 'accepted', partition: expect.any(Number), offset: expect.any(String) });

    const started = Date.now();
    const found = await eventually(
      async () => {
        const res = await http('GET', `${query.url}/v1/statements?party=USA`, { token: readToken });
        return res.body.items?.find((s: { eventId: string }) => s.eventId === body.eventId);
      },
      5_000,
      20,
    );
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(found).toMatchObject({
      text: body.data.text,
      tone: 'optimistic',
      occurredAt: { value: '2025-03-14', precision: 'day' },
      parties: expect.arrayContaining(['trump', 'USA']),
      codes: { cameo: '013', goldstein: 0.4 },
    });

    const status = await http('GET', `${query.url}/v1/events/${body.eventId}`, { token: readToken });
    expect(status.body).toMatchObject({ status: 'applied', type: 'StatementMade', partition: posted.body.partition, offset: posted.body.offset });
  });

  it('pages statements with a cursor and filters by party and time', async () => {
    const [ingest, , query] = apps;
    const days = ['2025-03-01', '2025-03-02', '2025-03-03', '2025-03-04', '2025-03-05'];
    for (const day of days) {
      const res = await http('POST', `${ingest.url}/v1/events`, {
        json: statementMade({ occurredAt: day, actors: [{ actorId: 'zelensky', onBehalfOf: 'UKR' }] }, { text: `Statement of ${day}` }),
        token: publishToken,
      });
      expect(res.status).toBe(202);
    }
    await eventually(async () => {
      const res = await http('GET', `${query.url}/v1/statements?party=UKR`, { token: readToken });
      return res.body.items.length === 5 ? true : undefined;
    });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await http('GET', `${query.url}/v1/statements?party=UKR&limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: readToken });
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((s: { occurredAt: { value: string } }) => s.occurredAt.value));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...days].reverse());

    const ranged = await http('GET', `${query.url}/v1/statements?party=UKR&from=2025-03-02&to=2025-03-04`, { token: readToken });
    expect(ranged.body.items.map((s: { occurredAt: { value: string } }) => s.occurredAt.value)).toEqual(['2025-03-03', '2025-03-02']);

    const bad = await http('GET', `${query.url}/v1/statements?from=yesterday&colour=red`, { token: readToken });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(bad.body.code).toBe('query.invalid');
  });

  it('answers 404 for an unknown event and 400 for a malformed id', async () => {
    const query = apps[2];
    expect((await http('GET', `${query.url}/v1/events/00000000-0000-4000-8000-000000000000`, { token: readToken })).body.code).toBe('event.not_found');
    expect((await http('GET', `${query.url}/v1/events/nope`, { token: readToken })).status).toBe(400);
  });
});
