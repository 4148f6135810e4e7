import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

type Testcontainers = typeof import('testcontainers');

/**
 * Whether a Docker engine answers, decided in seconds: with no DOCKER_HOST and no socket where
 * engines put one the answer is no, otherwise `docker info` gets a few seconds. Asking testcontainers
 * instead can wait much longer on a machine with a CLI but no daemon.
 */
export async function dockerAnswers(): Promise<boolean> {
  const sockets = ['/var/run/docker.sock', join(homedir(), '.docker/run/docker.sock')];
  if (process.env.XDG_RUNTIME_DIR) sockets.push(join(process.env.XDG_RUNTIME_DIR, 'docker.sock'));
  if (!process.env.DOCKER_HOST && !sockets.some((s) => existsSync(s))) return false;
  return new Promise((answer) =>
    execFile('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 5_000 }, (err) =>
      // No CLI but a socket: let testcontainers try it.
      answer(!err || (err as NodeJS.ErrnoException).code === 'ENOENT'),
    ),
  );
}

/** testcontainers, loaded only when Docker answers (it cannot even load on some Node versions). */
export async function loadTestcontainers(): Promise<Testcontainers> {
  return import('testcontainers');
}

export function describeError(e: unknown): string {
  return e instanceof Error ? e.message.split('\n')[0] : String(e);
}
