import { freePort } from '@ledger/postgres';
import { http, RunningProcess, startProcess } from '@ledger/testing';

export { freePort };

export type AppName = 'ingest-api' | 'projector' | 'query-api';

const ENTRY: Record<AppName, string> = {
  'ingest-api': 'apps/ingest-api/src/main.js',
  projector: 'apps/projector/src/main.js',
  'query-api': 'apps/query-api/src/main.js',
};

/**
 * One app of the ledger as a real process (node dist/apps/<app>/src/main.js), on a port of its own
 * that stays the same across restarts, so clients keep their URL. Logs at `warn`: a line per
 * request at 1,000 requests/s would cost the machine more than the scenario can spare.
 */
export class AppProcess {
  private current?: RunningProcess;
  /** Output of every incarnation so far, oldest first. */
  private readonly earlier: string[] = [];
  /** Exit code (or signal) of every incarnation that ended, in order. */
  readonly exits: (number | string)[] = [];
  /** Added to the environment of the next incarnations. */
  extraEnv: Record<string, string> = {};

  private constructor(
    readonly name: AppName,
    readonly port: number,
    private readonly env: () => Record<string, string>,
  ) {}

  static async create(name: AppName, env: () => Record<string, string>): Promise<AppProcess> {
    return new AppProcess(name, await freePort(), env);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.current?.child.pid;
  }

  get alive(): boolean {
    const c = this.current?.child;
    return !!c && c.exitCode === null && c.signalCode === null;
  }

  /** Everything every incarnation printed. */
  output(): string {
    return [...this.earlier, this.current?.output() ?? ''].join('\n');
  }

  /** Starts a new incarnation; with `ready`, resolves once /health/ready answers 200. */
  async start(options: { ready?: boolean; timeoutMs?: number } = {}): Promise<void> {
    if (this.alive) throw new Error(`${this.name} is already running (pid ${this.pid})`);
    if (this.current) this.earlier.push(this.current.output());
    const p = startProcess(ENTRY[this.name], [], { ...this.env(), ...this.extraEnv, PORT: String(this.port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' });
    this.current = p;
    void p.exited.then((code) => this.exits.push(code));
    const path = options.ready === false ? '/health/live' : '/health/ready';
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    for (;;) {
      const exited = p.child.exitCode ?? p.child.signalCode;
      const problem = exited !== null ? `exited with ${exited}` : Date.now() > deadline ? `not ${path} 200 within ${options.timeoutMs ?? 60_000} ms` : undefined;
      if (problem) throw new Error(`${this.name}: ${problem}\n${tail(p.output())}`);
      if ((await http('GET', this.url + path).catch(() => ({ status: 0 }))).status === 200) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** SIGKILL; resolves once the process is gone. */
  async kill(): Promise<void> {
    const p = this.current;
    if (!p || !this.alive) return;
    p.child.kill('SIGKILL');
    await p.exited;
  }

  /** Sends a signal (SIGSTOP / SIGCONT: pause and resume the process). */
  signal(signal: NodeJS.Signals): void {
    if (this.alive) this.current!.child.kill(signal);
  }

  /** SIGTERM (graceful shutdown); resolves with the exit code. */
  async stop(): Promise<number | string | undefined> {
    const p = this.current;
    if (!p || !this.alive) return p?.child.exitCode ?? p?.child.signalCode ?? undefined;
    p.child.kill('SIGTERM');
    return p.exited;
  }
}

export function tail(text: string, lines = 25): string {
  return text.split('\n').filter(Boolean).slice(-lines).join('\n');
}
