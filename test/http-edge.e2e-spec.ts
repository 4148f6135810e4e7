import { randomUUID } from 'node:crypto';
import { IngestApiModule } from '../apps/ingest-api/src/ingest-api.module';
import { QueryApiModule } from '../apps/query-api/src/query-api.module';
import { TokenStore } from '@ledger/ledger-store';
import { http, createTestContext, startTestApp, TestContext } from '@ledger/testing';
import { rawRequest } from './raw-http';

// The HTTP edge against hostile or broken clients: every answer, the framework's and Node's own
// included, is problem+json with a stable code; no client mistake gets a 5xx; a connection that
// cannot go on is closed and says so; no token is ever echoed.
describe('the HTTP edge', () => {
  let ctx: TestContext;
  let ingest: Awaited<ReturnType<typeof startTestApp>>;
  let query: Awaited<ReturnType<typeof startTestApp>>;
  let readToken: string;
  let publishToken: string;

  beforeAll(async () => {
    ctx = await createTestContext();
    const tokens = new TokenStore(ctx.pool);
    readToken = (await tokens.create({ name: 'dashboard', scopes: ['read'] })).token;
    publishToken = (await tokens.create({ name: 'coder-desk', scopes: ['publish'] })).token;
    ingest = await startTestApp(ctx, [IngestApiModule], { readyWithinMs: 0 });
    query = await startTestApp(ctx, [QueryApiModule], { readyWithinMs: 0 });
  });

  afterAll(async () => {
    for (const app of [query, ingest]) await app?.close().catch(() => undefined);
    await ctx?.close();
  });

  const isProblem = (headers: Headers | Record<string, string>) =>
    expect(headers instanceof Headers ? headers.get('content-type') : headers['content-type']).toBe('application/problem+json; charset=utf-8');

  it('refuses path traversal into the docs folder with a 404 problem, not a 500', async () => {
    for (const path of ['/docs/%2e%2e/package.json', '/docs/%2E%2E/%2e%2e/package.json', '/docs/..%2fpackage.json', '/docs/%2e%2e%2f%2e%2e%2fetc%2fpasswd']) {
      // A raw request: fetch would resolve the dots before sending.
      const res = await rawRequest(query.url, `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      expect([path, res.status, JSON.parse(res.body).code]).toEqual([path, 404, 'route.not_found']);
      isProblem(res.headers);
    }
  });

  it('answers a header block over the limit with 431 problem+json and closes the connection', async () => {
    const res = await rawRequest(query.url, `GET /health/live HTTP/1.1\r\nHost: x\r\nX-Junk: ${'a'.repeat(40_000)}\r\n\r\n`);
    expect([res.status, JSON.parse(res.body).code, res.headers.connection, res.closed]).toEqual([431, 'request.headers_too_large', 'close', true]);
    isProblem(res.headers);
  });

  it('answers a request line over the limit with 414 problem+json and closes the connection', async () => {
    const res = await rawRequest(query.url, `GET /v1/statements?q=${'a'.repeat(40_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect([res.status, JSON.parse(res.body).code, res.headers.connection, res.closed]).toEqual([414, 'request.uri_too_long', 'close', true]);
    isProblem(res.headers);
  });

  it('answers broken chunked encoding with 400 problem+json and closes the connection', async () => {
    const head = `POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${publishToken}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`;
    const res = await rawRequest(ingest.url, `${head}zz\r\n{}\r\n0\r\n\r\n`);
    expect([res.status, JSON.parse(res.body).code, res.headers.connection, res.closed]).toEqual([400, 'request.malformed', 'close', true]);
    isProblem(res.headers);
  });

  it('answers garbage instead of HTTP with 400 problem+json and closes the connection', async () => {
    const res = await rawRequest(query.url, 'HELLO\r\n\r\n');
    expect([res.status, JSON.parse(res.body).code, res.headers.connection, res.closed]).toEqual([400, 'request.malformed', 'close', true]);
  });

  it('closes the connection after refusing a body over the limit (the rest of it is never read)', async () => {
    const size = ctx.config.LEDGER_MAX_BODY_BYTES + 1;
    const head = `POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${publishToken}\r\nContent-Type: application/json\r\nContent-Length: ${size}\r\n\r\n`;
    const res = await rawRequest(ingest.url, `${head}{"a":"`);
    expect([res.status, JSON.parse(res.body).code, res.headers.connection, res.closed]).toEqual([413, 'request.too_large', 'close', true]);
  });

  it('keeps a healthy keep-alive connection open after an ordinary refusal', async () => {
    const res = await rawRequest(query.url, `GET /v1/parties HTTP/1.1\r\nHost: x\r\n\r\n`, 500);
    expect([res.status, JSON.parse(res.body).code, res.closed]).toEqual([401, 'auth.unauthenticated', false]);
  });

  it('never echoes a token: not in `instance`, however the parameter is spelled', async () => {
    const secret = `sl_${randomUUID().replaceAll('-', '')}`;
    const urls = [
      `/v1/stream?token=${secret}`,
      `/v1/stream?token=${readToken}&since=0`,
      `/v1/stream?%74oken=${secret}`,
      `/v1/stream?TOKEN=${secret}`,
      `/v1/nowhere?access_token=${secret}`,
      `/v1/nowhere/${secret}`,
      `/v1/parties?token=${readToken}`,
    ];
    for (const url of urls) {
      const res = await http('GET', `${query.url}${url}`);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      const text = JSON.stringify(res.body);
      expect([url, text.includes(secret) || text.includes(readToken)]).toEqual([url, false]);
      expect(res.body.instance).toContain('[REDACTED]');
    }
  });
});
