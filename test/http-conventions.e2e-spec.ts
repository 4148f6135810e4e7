import { request as httpRequest, IncomingHttpHeaders } from 'node:http';
import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { QueryApiModule } from '../apps/query-api/src/query-api.module';
import { TokenStore } from '@ledger/ledger-store';
import { createTestContext, startTestApp, TestContext } from '@ledger/testing';
import { ConfigError, loadConfig } from '@ledger/config';

interface Raw {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A plain node:http request: fetch would decompress and hide what went over the wire. */
function raw(base: string, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(new URL(path, base), { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Reads only the head of a response that never ends (the event stream), then drops the connection. */
function head(base: string, path: string, headers: Record<string, string>): Promise<{ status: number; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(new URL(path, base), { headers }, (res) => {
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
      req.destroy();
    });
    req.on('error', reject);
    req.end();
  });
}

// HTTP conventions a browser dashboard and a cache rely on: revalidation instead of refetching,
// compressed bodies, CORS only for the configured origins, rate-limit headers to pace by.
describe('HTTP conventions', () => {
  const allowed = 'https://dash.example';
  let ctx: TestContext;
  let query: Awaited<ReturnType<typeof startTestApp>>;
  let readToken: string;

  beforeAll(async () => {
    ctx = await createTestContext({ LEDGER_CORS_ORIGINS: `${allowed}, http://localhost:5173` });
    readToken = (await new TokenStore(ctx.pool).create({ name: 'dashboard', scopes: ['read'], ratePerSec: 50 })).token;
    query = await startTestApp(ctx, [QueryApiModule], { readyWithinMs: 0 });
  });

  afterAll(async () => {
    await query?.close().catch(() => undefined);
    await ctx?.close();
  });

  const auth = () => ({ authorization: `Bearer ${readToken}` });

  it('answers a repeated GET with If-None-Match by 304 without a body instead of resending it', async () => {
    const first = await raw(query.url, '/v1/parties', auth());
    expect(first.status).toBe(200);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^W\/"[A-Za-z0-9_-]{27}"$/);
    const again = await raw(query.url, '/v1/parties', { ...auth(), 'if-none-match': etag });
    expect([again.status, again.body.length, again.headers.etag]).toEqual([304, 0, etag]);
    // The strong form of the same tag and a list containing it match too; another tag does not.
    expect((await raw(query.url, '/v1/parties', { ...auth(), 'if-none-match': `"x", ${etag.slice(2)}` })).status).toBe(304);
    const stale = await raw(query.url, '/v1/parties', { ...auth(), 'if-none-match': 'W/"stale"' });
    expect([stale.status, JSON.parse(stale.body.toString()).items]).toEqual([200, []]);
  });

  it('never tags a problem document, so a cached refusal cannot be revalidated as a success', async () => {
    const res = await raw(query.url, '/v1/parties', { 'if-none-match': '*' });
    expect([res.status, res.headers.etag, res.headers['content-type']]).toEqual([401, undefined, 'application/problem+json; charset=utf-8']);
  });

  it('compresses a large JSON body with gzip or br as the client accepts, and names the variance', async () => {
    const plain = await raw(query.url, '/docs/json');
    expect(plain.body.length).toBeGreaterThan(1024);
    expect([plain.headers['content-encoding'], plain.headers.vary]).toEqual([undefined, 'Origin, Accept-Encoding']);
    const gz = await raw(query.url, '/docs/json', { 'accept-encoding': 'gzip' });
    expect([gz.headers['content-encoding'], gz.headers.vary]).toEqual(['gzip', 'Origin, Accept-Encoding']);
    expect(gunzipSync(gz.body).equals(plain.body)).toBe(true);
    expect(gz.body.length).toBeLessThan(plain.body.length);
    const br = await raw(query.url, '/docs/json', { 'accept-encoding': 'gzip, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
    // The ETag is the representation's, whatever the encoding.
    expect(gz.headers.etag).toBe(plain.headers.etag);
    // An encoding refused with q=0 is not used.
    expect((await raw(query.url, '/docs/json', { 'accept-encoding': 'br;q=0, gzip;q=0' })).headers['content-encoding']).toBeUndefined();
  });

  it("keeps the dashboard's own ETag and encoding instead of tagging its gzip bytes a second time", async () => {
    const plain = await raw(query.url, '/');
    const gz = await raw(query.url, '/', { 'accept-encoding': 'gzip' });
    expect([plain.status, gz.status, gz.headers['content-encoding']]).toEqual([200, 200, 'gzip']);
    expect(gz.headers.etag).toBe(plain.headers.etag);
    expect(gz.headers.vary).toBe('Accept-Encoding, Origin');
    expect((await raw(query.url, '/', { 'if-none-match': plain.headers.etag as string })).status).toBe(304);
  });

  it('leaves a small body uncompressed (no gain for the CPU spent)', async () => {
    const res = await raw(query.url, '/v1/parties', { ...auth(), 'accept-encoding': 'gzip, br' });
    expect([res.status, res.headers['content-encoding']]).toEqual([200, undefined]);
  });

  it('never compresses or tags the event stream, which must flush event by event', async () => {
    const res = await head(query.url, '/v1/stream', { ...auth(), 'accept-encoding': 'gzip, br', origin: allowed });
    expect([res.status, res.headers['content-encoding'], res.headers.etag, res.headers['access-control-allow-origin']]).toEqual([200, undefined, undefined, allowed]);
  });

  it('answers a CORS preflight from an allowed origin with 204 and the allowed methods and headers', async () => {
    const res = await raw(query.url, '/v1/parties', { origin: allowed, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' }, 'OPTIONS');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(allowed);
    expect(res.headers['access-control-allow-headers']).toBe('Authorization, Content-Type, Idempotency-Key, Last-Event-ID');
    expect(res.headers['access-control-allow-methods']).toContain('GET');
    expect(res.headers['access-control-max-age']).toBe('600');
  });

  it('gives a page from another, unlisted origin no CORS headers, so its browser withholds the answer', async () => {
    const pre = await raw(query.url, '/v1/parties', { origin: 'https://evil.example', 'access-control-request-method': 'GET' }, 'OPTIONS');
    expect(pre.headers['access-control-allow-origin']).toBeUndefined();
    expect(pre.status).not.toBe(204);
    const get = await raw(query.url, '/v1/parties', { ...auth(), origin: 'https://evil.example' });
    expect([get.status, get.headers['access-control-allow-origin'], get.headers.vary]).toEqual([200, undefined, 'Origin, Accept-Encoding']);
  });

  it('lets an allowed origin read the answer and the headers a client paces by', async () => {
    const res = await raw(query.url, '/v1/parties', { ...auth(), origin: allowed });
    expect([res.headers['access-control-allow-origin'], res.headers.vary]).toEqual([allowed, 'Origin, Accept-Encoding']);
    expect(res.headers['access-control-expose-headers']).toContain('RateLimit');
  });

  it('refuses a CORS origin list with a path or a bare host at boot, naming LEDGER_CORS_ORIGINS', () => {
    for (const bad of ['dash.example', 'https://dash.example/app', 'https://a.example,,https://b.example']) {
      expect(() => loadConfig({ LEDGER_CORS_ORIGINS: bad })).toThrow(ConfigError);
      expect(() => loadConfig({ LEDGER_CORS_ORIGINS: bad })).toThrow(/LEDGER_CORS_ORIGINS/);
    }
    expect(loadConfig({ LEDGER_CORS_ORIGINS: '*' }).LEDGER_CORS_ORIGINS).toBe('*');
  });
});
