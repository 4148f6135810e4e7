import { Pool } from 'pg';
import { TokenStore } from '@ledger/ledger-store';
import { createPool } from '@ledger/postgres';
import { createTestDatabase, runCommand } from '@ledger/testing';

// `ledger tokens create|list|revoke` as a real process on a fresh database.
describe('ledger tokens', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: Pool;
  const cli = (...args: string[]) => runCommand('apps/ledger-cli/src/main.js', args, { DATABASE_URL: db.url });

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = createPool(db.url);
  });

  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('creates a token shown once, lists it without its secret, and revokes it', async () => {
    const created = await cli('tokens', 'create', '--name', 'news-desk', '--scopes', 'publish,read', '--publisher', 'newsdesk', '--rate', '50', '--json');
    expect(created.code).toBe(0);
    const { token, id } = JSON.parse(created.output);
    expect(token).toMatch(/^sl_/);
    expect(await new TokenStore(pool).verify(token)).toMatchObject({ publisher: 'newsdesk', scopes: ['publish', 'read'], ratePerSec: 50 });

    const listed = await cli('tokens', 'list');
    expect(listed.output).toContain('news-desk');
    expect(listed.output).not.toContain(token);

    expect((await cli('tokens', 'revoke', id)).code).toBe(0);
    expect(await new TokenStore(pool).verify(token)).toBeNull();
    const again = await cli('tokens', 'revoke', id);
    expect(again.code).toBe(1);
    expect(again.output).toContain(`no live token with id ${id}`);
  });

  it('refuses unknown scopes with a clear message', async () => {
    const bad = await cli('tokens', 'create', '--name', 'x', '--scopes', 'publish,superuser');
    expect(bad.code).toBe(1);
    expect(bad.output).toContain('Scopes are publish, read, audit, admin');
  });
});
