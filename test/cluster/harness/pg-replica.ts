import { execFile } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { freePort } from '@ledger/postgres';

const run = promisify(execFile);

/** Where Debian puts a PostgreSQL major version's server binaries, the newest installed (LEDGER_PG_BIN overrides). */
export function postgresBin(): string | undefined {
  const installed = existsSync('/usr/lib/postgresql')
    ? readdirSync('/usr/lib/postgresql')
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
        .map((v) => `/usr/lib/postgresql/${v}/bin`)
    : [];
  const candidates = [process.env.LEDGER_PG_BIN, ...installed].filter(Boolean) as string[];
  return candidates.find((dir) => existsSync(join(dir, 'pg_basebackup')) && existsSync(join(dir, 'initdb')));
}

/**
 * A PostgreSQL primary of the test's own (initdb) and a streaming replica of it made with
 * pg_basebackup, both from the distribution's binaries, on free ports, in a folder the `postgres`
 * OS user owns (PostgreSQL refuses to run as root; as root the test runs them as that user). The
 * local server on 5432 is left alone: the test restarts the primary, which it may not do to a
 * server others use.
 */
export class PrimaryAndReplica {
  primaryPort = 0;
  replicaPort = 0;
  private readonly primaryDir: string;
  private readonly replicaDir: string;

  constructor(
    readonly root: string,
    private readonly bin: string,
  ) {
    this.primaryDir = join(root, 'primary');
    this.replicaDir = join(root, 'replica');
  }

  get primaryUrl(): string {
    return `postgres://postgres@127.0.0.1:${this.primaryPort}/postgres`;
  }

  get replicaUrl(): string {
    return `postgres://postgres@127.0.0.1:${this.replicaPort}/postgres`;
  }

  /** initdb and start the primary, then pg_basebackup it into a standby (-R: standby.signal and primary_conninfo) and start that. */
  async start(): Promise<{ initdbMs: number; basebackupMs: number }> {
    if (process.getuid?.() === 0) chownSync(this.root, uid('postgres'), uid('postgres'));
    this.primaryPort = await freePort();
    this.replicaPort = await freePort();
    let t = Date.now();
    await this.as(['initdb', '-D', this.primaryDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
    appendFileSync(
      join(this.primaryDir, 'postgresql.conf'),
      [
        `port = ${this.primaryPort}`,
        `listen_addresses = '127.0.0.1'`,
        `unix_socket_directories = '${this.root}'`,
        'wal_level = replica',
        'max_wal_senders = 4',
        'hot_standby = on',
        'fsync = off',
        'shared_buffers = 64MB',
        'max_connections = 60',
        '',
      ].join('\n'),
    );
    appendFileSync(join(this.primaryDir, 'pg_hba.conf'), 'host replication postgres 127.0.0.1/32 trust\n');
    await this.pgCtl(this.primaryDir, 'start');
    const initdbMs = Date.now() - t;
    t = Date.now();
    await this.as(['pg_basebackup', '-h', '127.0.0.1', '-p', String(this.primaryPort), '-U', 'postgres', '-D', this.replicaDir, '-R', '-X', 'stream', '--no-sync']);
    // The copy carries the primary's settings; the replica differs in its port, and it tells the
    // primary which rows its queries still read (no query cancelled by a vacuum on the primary).
    appendFileSync(join(this.replicaDir, 'postgresql.conf'), [`port = ${this.replicaPort}`, 'hot_standby_feedback = on', ''].join('\n'));
    await this.pgCtl(this.replicaDir, 'start');
    return { initdbMs, basebackupMs: Date.now() - t };
  }

  /** Stops the primary (fast: sessions end, a checkpoint is written), waits `downMs`, starts it again; resolves with when it was down and up. */
  async restartPrimary(downMs: number): Promise<{ downAt: number; upAt: number }> {
    await this.pgCtl(this.primaryDir, 'stop', ['-m', 'fast']);
    const downAt = Date.now();
    await new Promise((r) => setTimeout(r, downMs));
    await this.pgCtl(this.primaryDir, 'start');
    return { downAt, upAt: Date.now() };
  }

  /** How far the replica is: its replayed WAL position and the primary's current one, in bytes apart. */
  async replayLagBytes(): Promise<number> {
    const primary = await scalar(this.primaryUrl, 'SELECT pg_current_wal_lsn()::text');
    return Number(await scalar(this.replicaUrl, `SELECT pg_wal_lsn_diff('${primary}', pg_last_wal_replay_lsn())`));
  }

  async stop(): Promise<void> {
    for (const dir of [this.replicaDir, this.primaryDir]) await this.pgCtl(dir, 'stop', ['-m', 'immediate']).catch(() => undefined);
  }

  log(which: 'primary' | 'replica'): string {
    try {
      return readFileSync(join(this.root, `${which}.log`), 'utf8');
    } catch {
      return '';
    }
  }

  private pgCtl(dir: string, command: 'start' | 'stop', extra: string[] = []): Promise<void> {
    const log = join(this.root, `${dir === this.primaryDir ? 'primary' : 'replica'}.log`);
    return this.as(['pg_ctl', '-D', dir, '-l', log, '-w', '-t', '60', ...extra, command]);
  }

  /** Runs one of the PostgreSQL binaries, as the `postgres` OS user when this process is root. */
  private async as(args: string[]): Promise<void> {
    const [tool, ...rest] = args;
    const file = join(this.bin, tool);
    const [cmd, argv] = process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', file, ...rest]] : [file, rest];
    try {
      await run(cmd, argv, { cwd: this.root, timeout: 120_000 });
    } catch (e) {
      const err = e as { stderr?: string; stdout?: string; message: string };
      throw new Error(`${tool} failed: ${err.message}\n${err.stdout ?? ''}${err.stderr ?? ''}`);
    }
  }
}

function uid(user: string): number {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${user}:`));
  if (!line) throw new Error(`no ${user} OS user`);
  return Number(line.split(':')[2]);
}

async function scalar(url: string, sql: string): Promise<string> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  await client.connect();
  try {
    return String(Object.values((await client.query(sql)).rows[0])[0]);
  } finally {
    await client.end();
  }
}
