import { Controller, Get, Module } from '@nestjs/common';
import { Principal, TokenStore } from '@ledger/ledger-store';
import { CurrentPrincipal, RequireScopes } from '@ledger/http';
import { http, createTestContext, startTestApp, TestContext } from '@ledger/testing';

@Controller('probe')
class ProbeController {
  @Get()
  @RequireScopes('read')
  probe(@CurrentPrincipal() principal: Principal): { publisher: string } {
    return { publisher: principal.publisher };
  }
}

@Module({ controllers: [ProbeController] })
class ProbeModule {}

// Scoped bearer tokens on a real app and database: hashed storage, bootstrap token, rate limit.
describe('tokens', () => {
  let ctx: TestContext;
  let app: { url: string; close(): Promise<void> };
  const BOOTSTRAP = 'bootstrap-token-for-the-auth-test';

  beforeAll(async () => {
    ctx = await createTestContext({ LEDGER_BOOTSTRAP_TOKEN: BOOTSTRAP });
    app = await startTestApp(ctx, [ProbeModule]);
  });

  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  it('creates LEDGER_BOOTSTRAP_TOKEN as an admin token on start, stored only as a hash', async () => {
    expect((await http('GET', `${app.url}/probe`, { token: BOOTSTRAP })).body).toEqual({ publisher: 'bootstrap' });
    const { rows } = await ctx.pool.query(`SELECT name, scopes, encode(token_sha256, 'hex') AS hash FROM ledger.tokens`);
    expect(rows).toEqual([{ name: 'bootstrap', scopes: ['admin'], hash: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    expect(JSON.stringify(rows)).not.toContain(BOOTSTRAP);
  });

  it('answers 401 without a token, 401 for an unknown one, 403 without the scope', async () => {
    const publishOnly = (await new TokenStore(ctx.pool).create({ name: 'desk', scopes: ['publish'] })).token;
    const none = await http('GET', `${app.url}/probe`);
    expect([none.status, none.body.code, none.headers.get('www-authenticate')]).toEqual([401, 'auth.unauthenticated', 'Bearer']);
    expect((await http('GET', `${app.url}/probe`, { token: 'sl_unknown' })).body.code).toBe('auth.invalid_token');
    expect((await http('GET', `${app.url}/probe`, { token: publishOnly })).body).toMatchObject({ status: 403, code: 'auth.forbidden' });
  });

  it('limits each token to its rate with 429 and Retry-After', async () => {
    const slow = (await new TokenStore(ctx.pool).create({ name: 'slow', scopes: ['read'], ratePerSec: 5 })).token;
    const answers = await Promise.all(Array.from({ length: 12 }, () => http('GET', `${app.url}/probe`, { token: slow })));
    const limited = answers.filter((a) => a.status === 429);
    expect(answers.filter((a) => a.status === 200).length).toBeLessThanOrEqual(6);
    expect(limited.length).toBeGreaterThanOrEqual(6);
    expect(limited[0].body.code).toBe('rate.limited');
    expect(Number(limited[0].headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('tells a client its rate and what is left (RateLimit headers), so it can pace itself instead of hitting 429', async () => {
    const paced = (await new TokenStore(ctx.pool).create({ name: 'paced', scopes: ['read'], ratePerSec: 5 })).token;
    const answers = [];
    for (let i = 0; i < 8; i++) answers.push(await http('GET', `${app.url}/probe`, { token: paced }));
    const left = answers.map((a) => Number(/^"default";r=(\d+);t=(\d+)$/.exec(a.headers.get('ratelimit') ?? '')?.[1]));
    for (const a of answers) expect(a.headers.get('ratelimit-policy')).toBe('"default";q=5;w=1');
    expect(left[0]).toBe(4); // a full bucket of five, one taken
    const firstRefused = answers.findIndex((a) => a.status === 429);
    expect(firstRefused).toBeGreaterThan(0);
    // Honest: every promise of r more requests was kept before the first refusal, and a refusal says 0.
    answers.slice(0, firstRefused).forEach((_answer, i) => expect(firstRefused - i - 1).toBeGreaterThanOrEqual(left[i]));
    expect(left[firstRefused]).toBe(0);
    expect(answers[firstRefused].headers.get('ratelimit')).toMatch(/;t=1$/);
    // Routes without a token are not rate limited and say nothing about it.
    expect((await http('GET', `${app.url}/health/live`)).headers.get('ratelimit')).toBeNull();
  });

  it('stops a revoked token within two seconds', async () => {
    const store = new TokenStore(ctx.pool);
    const { token, info } = await store.create({ name: 'leaving', scopes: ['read'] });
    expect((await http('GET', `${app.url}/probe`, { token })).status).toBe(200);
    expect(await store.revoke(info.id)).toBe(true);
    await new Promise((r) => setTimeout(r, 2_100));
    expect((await http('GET', `${app.url}/probe`, { token })).body.code).toBe('auth.invalid_token');
  });
});
