import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort, isAlive } from '@ledger/postgres';
import { eventually, http, REPO_ROOT } from '@ledger/testing';

const P1 = 'us-30-day-ceasefire-2025';

/** The files a fresh clone of this working tree holds (tracked and new, minus ignored ones). */
function freshClone(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-clone-'));
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: REPO_ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const file of files) {
    mkdirSync(join(dir, dirname(file)), { recursive: true });
    cpSync(join(REPO_ROOT, file), join(dir, file));
  }
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules')); // what `npm ci` would install
  return dir;
}

interface Started {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/** `npm start`, the README's first command, with neither DATABASE_URL nor KAFKA_BROKERS. */
function npmStart(dir: string, port: number): Started {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  delete env.KAFKA_BROKERS;
  delete env.LEDGER_DATA_DIR;
  delete env.LEDGER_BOOTSTRAP_TOKEN;
  const child = spawn('npm', ['start'], { cwd: dir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return { child, output: () => out, exited: new Promise((ok) => child.on('exit', (code) => ok(code))) };
}

/** SIGTERM to the whole process group (npm, its shell, node, PostgreSQL), as Ctrl-C would; waits until all of it is gone. */
async function stop(s: Started): Promise<void> {
  process.kill(-s.child.pid!, 'SIGTERM');
  await s.exited;
  await eventually(async () => (isAlive(-s.child.pid!) ? undefined : true), 60_000, 100);
}

/** Waits for the "running" banner; fails at once, with the output, if the server exits first. */
async function untilRunning(s: Started, withinMs = 120_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!s.output().includes('Statement Ledger is running')) {
    if (s.child.exitCode !== null) throw new Error(`npm start exited with ${s.child.exitCode}:\n${s.output()}`);
    if (Date.now() > deadline) throw new Error(`npm start not running within ${withinMs} ms:\n${s.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

// Issue 6: on a machine with nothing else, `npm start` runs the whole ledger on embedded PostgreSQL
// and the embedded log, with the seed loaded; data survives a restart.
describe('npm start with embedded defaults', () => {
  let dir: string;
  let port: number;
  let server: Started | undefined;

  beforeAll(async () => {
    dir = freshClone();
    port = await freePort();
  });

  afterAll(async () => {
    if (server && server.child.exitCode === null) await stop(server).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 300 });
  });

  it('serves the seed, applies a posted event, and keeps everything across a restart', async () => {
    server = npmStart(dir, port);
    await untilRunning(server);
    expect(server.output()).toContain('29 events of the seed case loaded');
    expect(server.output()).toContain('embedded PostgreSQL');
    expect(server.output()).toContain('embedded log');
    const tokens = JSON.parse(readFileSync(join(dir, '.ledger', 'local-tokens.json'), 'utf8')) as { admin: string; read: string };
    expect(server.output()).toContain(`/#token=${tokens.read}`);
    const base = `http://127.0.0.1:${port}`;

    const stances = async () => {
      const res = await http('GET', `${base}/v1/proposals/${P1}`, { token: tokens.read });
      return res.body.stances?.length === 3 ? Object.fromEntries(res.body.stances.map((s: { party: string; category: string }) => [s.party, s.category])) : undefined;
    };
    expect(await eventually(stances, 30_000)).toEqual({ RUS: 'CONDITIONAL', UKR: 'ACCEPTED', USA: 'PROPOSER' });

    const eventId = randomUUID();
    const posted = await http('POST', `${base}/v1/events`, {
      token: tokens.admin,
      json: {
        eventId,
        type: 'ProposalRejected',
        schemaVersion: 1,
        occurredAt: '2025-03-20',
        actors: [{ actorId: 'putin', capacity: 'head_of_state' }],
        proposalId: P1,
        data: { reasons: ['Not now'] },
      },
    });
    expect(posted.status).toBe(202);
    await eventually(async () => ((await http('GET', `${base}/v1/events/${eventId}`, { token: tokens.admin })).body.status === 'applied' ? true : undefined), 30_000);
    expect((await stances())?.RUS).toBe('REJECTED');

    await stop(server);
    expect(server.child.exitCode ?? 0).toBe(0);

    server = npmStart(dir, port);
    await untilRunning(server);
    expect(server.output()).toContain('already loaded on an earlier start');
    expect((await http('GET', `${base}/v1/events/${eventId}`, { token: tokens.admin })).body.status).toBe('applied');
    expect(await stances()).toEqual({ RUS: 'REJECTED', UKR: 'ACCEPTED', USA: 'PROPOSER' });
    const threats = await http('GET', `${base}/v1/threats`, { token: tokens.read });
    expect(threats.body.items[0]).toMatchObject({ status: 'triggered', triggeredBy: eventId });
  }, 360_000);
});
