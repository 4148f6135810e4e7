import { TokenStore } from '@ledger/ledger-store';
import { http, statementMade, createTestContext, startTestApp, TestContext } from '@ledger/testing';
import { IngestApiModule } from '../../ingest-api.module';

// The ingest edge against a real broker: what is refused never reaches Kafka, what is accepted
// was acknowledged, repeats are recognised.
describe('POST /v1/events and /v1/events/batch', () => {
  let ctx: TestContext;
  let app: { url: string; close(): Promise<void> };
  let token: string;
  const produced = async () => (await ctx.log.bounds(ctx.topics.events)).reduce((n, b) => n + Number(b.high), 0);

  beforeAll(async () => {
    ctx = await createTestContext({ LEDGER_MAX_BODY_BYTES: 64 * 1024 });
    token = (await new TokenStore(ctx.pool).create({ name: 'desk', scopes: ['publish'] })).token;
    app = await startTestApp(ctx, [IngestApiModule]);
  });

  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  const post = (json: unknown, headers: Record<string, string> = {}) => http('POST', `${app.url}/v1/events`, { json, token, headers });

  it.each([
    ['missing fields', { type: 'StatementMade' }, 400, 'envelope.invalid', ['schemaVersion', 'occurredAt', 'actors']],
    ['wrong types', statementMade({ schemaVersion: 'one', actors: 'trump' }, { tone: 42 }), 400, 'envelope.invalid', ['schemaVersion', 'actors']],
    ['bad data', statementMade({}, { tone: 'ecstatic', text: '' }), 400, 'envelope.invalid', ['data.text', 'data.tone']],
    ['unknown event type', statementMade({ type: 'PeaceBrokeOut' }), 400, 'event.unknown_type', ['type']],
    ['an impossible date', statementMade({ occurredAt: '2025-02-30' }), 400, 'envelope.invalid', ['occurredAt']],
    ['a precision that does not match', statementMade({ occurredAt: { value: '2025-03-14', precision: 'week' } }), 400, 'envelope.invalid', ['occurredAt']],
    ['an unknown field', statementMade({ mood: 'tense' }), 400, 'envelope.invalid', ['mood']],
    ['a publisher in the body', statementMade({ source: { publisher: 'someone-else' } }), 400, 'envelope.publisher_in_body', ['source.publisher']],
    ['a prototype key', JSON.parse('{"__proto__": {"admin": true}}'), 400, 'envelope.forbidden_key', ['__proto__']],
  ])('refuses %s with problem+json naming each field', async (_name, body, status, code, fields) => {
    const res = await post(body);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body).toMatchObject({ status, code, type: expect.stringContaining(code) });
    const named = res.body.errors.map((e: { field: string }) => e.field);
    for (const field of fields) expect(named).toContain(field);
  });

  it('refuses non-JSON bodies (415), malformed JSON (400) and oversized bodies (413)', async () => {
    const text = await http('POST', `${app.url}/v1/events`, { body: 'hello', headers: { 'content-type': 'text/plain' }, token });
    expect([text.status, text.body.code]).toEqual([415, 'request.unsupported_media_type']);
    const malformed = await http('POST', `${app.url}/v1/events`, { body: '{"type":', headers: { 'content-type': 'application/json' }, token });
    expect([malformed.status, malformed.body.code]).toEqual([400, 'request.malformed_json']);
    const huge = await post(statementMade({}, { text: 'x'.repeat(100 * 1024) }));
    expect([huge.status, huge.body.code]).toEqual([413, 'request.too_large']);
    expect(huge.headers.get('content-type')).toContain('application/problem+json');
  });

  it('says what is wrong with each field, with its JSON Pointer', async () => {
    const body = statementMade({ mood: 'tense' }, { topics: 'a', tone: 'ecstatic' });
    delete (body.data as Record<string, unknown>).text;
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { field: 'mood', pointer: '#/mood', message: 'mood is not allowed: there is no such field here (see GET /v1/catalog)' },
      { field: 'data.text', pointer: '#/data/text', message: 'data.text is required' },
      { field: 'data.tone', pointer: '#/data/tone', message: 'data.tone must be one of: neutral, optimistic, pessimistic, accord, denial' },
      { field: 'data.topics', pointer: '#/data/topics', message: 'data.topics must be an array' },
    ]);
  });

  it('produced nothing to Kafka for any refused request', async () => {
    expect(await produced()).toBe(0);
  });

  it('accepts a valid event after the broker acknowledged it, and recognises repeats', async () => {
    const body = statementMade();
    const first = await post(body);
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ status: 'accepted', eventId: body.eventId });
    const bounds = await ctx.log.bounds(ctx.topics.events);
    expect(BigInt(bounds[first.body.partition].high)).toBeGreaterThan(BigInt(first.body.offset));

    const again = await post(body);
    expect([again.status, again.body.status]).toEqual([200, 'duplicate']);
    const changed = await post({ ...body, data: { ...body.data, text: 'Something else entirely.' } });
    expect([changed.status, changed.body.code]).toEqual([409, 'event.id_conflict']);
    expect(await produced()).toBe(1);
  });

  it('derives the same id from the same Idempotency-Key and publisher', async () => {
    const { eventId: _, ...body } = statementMade();
    const a = await post(body, { 'idempotency-key': 'desk-2025-03-14-001' });
    const b = await post(body, { 'idempotency-key': 'desk-2025-03-14-001' });
    expect(a.status).toBe(202);
    expect([b.status, b.body.eventId]).toEqual([200, a.body.eventId]);
    expect((await post(body, { 'idempotency-key': 'bad key with spaces' })).body.code).toBe('request.invalid_idempotency_key');
  });

  it('validates a batch all-or-nothing, naming each bad item', async () => {
    const before = await produced();
    const res = await http('POST', `${app.url}/v1/events/batch`, {
      json: { events: [statementMade(), statementMade({}, { tone: 'smug' }), statementMade({ actors: [] })] },
      token,
    });
    expect([res.status, res.body.code]).toEqual([400, 'batch.invalid']);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['events.1.data.tone', 'events.2.actors']);
    expect(await produced()).toBe(before);
  });

  it('publishes a valid batch together and reports each item', async () => {
    const events = Array.from({ length: 50 }, (_, i) => statementMade({}, { text: `Batch statement ${i}` }));
    const res = await http('POST', `${app.url}/v1/events/batch`, { json: { events: [...events, events[0]] }, token });
    expect(res.status).toBe(202);
    expect(res.body.results).toHaveLength(51);
    expect(res.body.results.slice(0, 50).every((r: { status: string }) => r.status === 'accepted')).toBe(true);
    expect(res.body.results[50]).toEqual({ eventId: events[0].eventId, status: 'duplicate' });
    const tooMany = await http('POST', `${app.url}/v1/events/batch`, { json: { events: Array.from({ length: 1001 }, () => ({})) }, token });
    expect(tooMany.status).toBe(413);
  });

  it('accepts a statement without topics: a list left out is empty', async () => {
    const body = statementMade();
    delete (body.data as Record<string, unknown>).topics;
    const res = await post(body);
    expect([res.status, res.body.status]).toEqual([202, 'accepted']);
  });
});
