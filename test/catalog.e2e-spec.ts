import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { CATALOG, encodeEvent, EventEnvelope } from '@ledger/contracts';
import { TokenStore } from '@ledger/ledger-store';
import { eventually, http, createTestContext, startTestApp, TestContext } from '@ledger/testing';
import { IngestApiModule } from '../apps/ingest-api/src/ingest-api.module';
import { ProjectorModule } from '../apps/projector/src/projector.module';
import { QueryApiModule } from '../apps/query-api/src/query-api.module';

type Body = Record<string, any>;
const TYPES = Object.keys(CATALOG);

/** A type's example as a publisher sends it, with a fresh id. */
const valid = (type: string): Body => {
  const { source: _source, ...example } = structuredClone(CATALOG[type].example) as Body;
  return { ...example, eventId: randomUUID() };
};

/** Three ways to get each type wrong, with the code and field the refusal must name. */
const invalid = (type: string): [Body, string, string][] => [
  [{ ...valid(type), data: { ...valid(type).data, unexpected: true } }, 'envelope.invalid', 'data.unexpected'],
  [{ ...valid(type), data: 'not an object' }, 'envelope.invalid', 'data'],
  [{ ...valid(type), schemaVersion: 99 }, 'event.unsupported_version', 'schemaVersion'],
];

// Every catalog type, valid and invalid, over HTTP and straight into Kafka; and random JSON at
// both entry points. Only clean 4xx answers and dead letters come out, and nothing invalid applies.
describe('the catalog at both entry points', () => {
  let ctx: TestContext;
  let app: { url: string; close(): Promise<void> };
  let publish: string;
  const count = async (sql: string) => Number((await ctx.pool.query(sql)).rows[0].n);
  const produced = async () => (await ctx.log.bounds(ctx.topics.events)).reduce((n, b) => n + Number(b.high), 0);

  beforeAll(async () => {
    ctx = await createTestContext();
    publish = (await new TokenStore(ctx.pool).create({ name: 'catalog-desk', scopes: ['publish', 'read'], ratePerSec: 100_000 })).token;
    app = await startTestApp(ctx, [IngestApiModule, ProjectorModule, QueryApiModule]);
  });

  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  it.each(TYPES)('%s: the example is accepted over HTTP and three broken variants are refused', async (type) => {
    const body = valid(type);
    const ok = await http('POST', `${app.url}/v1/events`, { json: body, token: publish });
    expect([ok.status, ok.body.status]).toEqual([202, 'accepted']);
    for (const [bad, code, field] of invalid(type)) {
      const res = await http('POST', `${app.url}/v1/events`, { json: bad, token: publish });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.code).toBe(code);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    await eventually(async () => ((await http('GET', `${app.url}/v1/events/${body.eventId}`, { token: publish })).body.status === 'applied' ? true : undefined), 20_000);
  });

  it('applies every valid type written straight into Kafka and dead-letters the broken ones with their reasons', async () => {
    const good = TYPES.map((type) => ({ ...valid(type), source: { publisher: 'direct' } }) as EventEnvelope);
    const bad = TYPES.flatMap((type) => invalid(type).map(([body, code]) => ({ body: { ...body, source: { publisher: 'direct' } } as Body, code })));
    await ctx.log.append(ctx.topics.events, [...good.map(encodeEvent), ...bad.map(({ body }) => encodeEvent(body as EventEnvelope))]);
    await eventually(async () => {
      const applied = await count(`SELECT count(*) AS n FROM ledger.journal WHERE disposition = 'applied' AND event_id = ANY('{${good.map((e) => e.eventId).join(',')}}')`);
      return applied === good.length ? true : undefined;
    }, 30_000);
    const rejected = (await ctx.pool.query(`SELECT event_id, reason FROM ledger.rejections WHERE event_id = ANY($1::uuid[])`, [bad.map(({ body }) => body.eventId)])).rows;
    expect(rejected).toHaveLength(bad.length);
    for (const { body, code } of bad) expect(rejected.find((r) => r.event_id === body.eventId)?.reason).toBe(code);
    const dlq = await ctx.log.bounds(ctx.topics.dlq);
    expect(Number(dlq[0].high)).toBe(bad.length);
  });

  it('answers random JSON bodies over HTTP with clean 4xx problems and publishes nothing', async () => {
    const before = await produced();
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (value) => {
        const res = await http('POST', `${app.url}/v1/events`, { body: JSON.stringify(value), headers: { 'content-type': 'application/json' }, token: publish });
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        expect(typeof res.body.code).toBe('string');
      }),
      { numRuns: 300 },
    );
    expect(await produced()).toBe(before);
  });

  it('dead-letters random JSON and bytes written straight into Kafka, applies none of it, and keeps going', async () => {
    const factsBefore = await count(`SELECT count(*) AS n FROM read_model.events_v1`);
    const dlqBefore = Number((await ctx.log.bounds(ctx.topics.dlq))[0].high);
    const junk = fc.sample(
      fc.oneof(
        fc.jsonValue({ maxDepth: 5 }).map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
        fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
      ),
      300,
    );
    await ctx.log.append(
      ctx.topics.events,
      junk.map((value, i) => ({ key: `junk-${i % 7}`, value, headers: {} })),
    );
    const after = { ...valid('StatementMade'), source: { publisher: 'direct' } } as EventEnvelope;
    await ctx.log.append(ctx.topics.events, [encodeEvent(after)]);
    await eventually(
      async () => ((await count(`SELECT count(*) AS n FROM ledger.journal WHERE event_id = '${after.eventId}' AND disposition = 'applied'`)) === 1 ? true : undefined),
      30_000,
    );
    expect(await count(`SELECT count(*) AS n FROM read_model.events_v1`)).toBe(factsBefore + 1);
    expect(Number((await ctx.log.bounds(ctx.topics.dlq))[0].high)).toBe(dlqBefore + junk.length);
  });
});
