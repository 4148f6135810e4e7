import { join } from 'node:path';
import { Pool } from 'pg';
import { TokenStore } from '@ledger/ledger-store';
import { createPool } from '@ledger/postgres';
import { createTestDatabase, REPO_ROOT, runCommand } from '@ledger/testing';

// `ledger tokens create|list|revoke`, the help and the import's token as real processes on a fresh database.
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
    // One JSON shape per kind of object: list answers the token objects create does, minus the secret.
    const listedJson = JSON.parse((await cli('tokens', 'list', '--json')).output) as Record<string, unknown>[];
    const { token: _secret, ...info } = JSON.parse(created.output);
    expect(listedJson.find((t) => t.id === id)).toEqual(info);

    expect((await cli('tokens', 'revoke', id)).code).toBe(0);
    expect(await new TokenStore(pool).verify(token)).toBeNull();
    const again = await cli('tokens', 'revoke', id);
    expect(again.code).toBe(1);
    expect(again.output).toContain(`no live token with id ${id}`);
  });

  it('answers --help with real usage and exit 0 for every command, and lists --json', async () => {
    for (const args of [['--help'], ['tokens', '--help'], ['tokens', 'create', '--help'], ['export', '--help'], ['replay', '--help'], ['verify', '--help'], ['import', '--help']]) {
      const help = await cli(...args);
      expect([args.join(' '), help.code]).toEqual([args.join(' '), 0]);
      expect(help.output).toMatch(/^Usage: ledger\b/m);
      expect(help.output).toContain('--json');
      expect(help.output).not.toContain('(outputHelp)');
    }
  });

  it('never publishes with a token it picked itself: import without --token or LEDGER_TOKEN is refused', async () => {
    const res = await cli('import', join(REPO_ROOT, 'data', 'samples', 'ceasefire-talks-2025-03.ndjson'), '--url', 'http://127.0.0.1:9');
    expect(res.code).toBe(1);
    expect(res.output).toContain('no token: pass --token or set LEDGER_TOKEN');
  });

  it('refuses unknown scopes with a clear message', async () => {
    const bad = await cli('tokens', 'create', '--name', 'x', '--scopes', 'publish,superuser');
    expect(bad.code).toBe(1);
    expect(bad.output).toContain('Scopes are publish, read, audit, admin');
  });
});
