import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@ledger/testing';
import { FileLock } from './file-lock';

const SCRIPT = join(REPO_ROOT, 'deploy/local/kafka.sh');

/**
 * A Kafka broker of the fault suite's own, run by deploy/local/kafka.sh on its own port and data
 * folder, so a scenario may kill it without touching the broker the other tests share (19092).
 * The port is fixed (LEDGER_FAULTS_KAFKA_PORT, default 19192; the controller takes the next one)
 * so a broker left behind by an interrupted run is found, stopped and wiped by the next `reset`. It is
 * below Linux's ephemeral range (32768–60999): there, any outgoing connection may hold it as its local
 * port, and the broker could not bind it (seen in CI: three scenarios in a row).
 */
export class FaultBroker {
  readonly port: number;
  readonly dataDir: string;
  private lock?: FileLock;

  constructor(port = Number(process.env.LEDGER_FAULTS_KAFKA_PORT || 19192)) {
    if (port === 19092) throw new Error('the fault suite never runs its broker on the shared port 19092');
    this.port = port;
    this.dataDir = join(REPO_ROOT, 'deploy/local/.cache', `data-faults-${port}`);
  }

  get brokers(): string {
    return `127.0.0.1:${this.port}`;
  }

  /**
   * Takes this broker for the calling run (an flock held by a child process, released by `release`
   * or when this process ends): two fault runs on one machine would kill each other's broker.
   */
  async acquire(): Promise<void> {
    const file = join(REPO_ROOT, 'deploy/local/.cache', `faults-${this.port}.lock`);
    this.lock = new FileLock(file);
    await this.lock.acquire(`another fault run holds the broker on port ${this.port} (${file}); wait for it, or set LEDGER_FAULTS_KAFKA_PORT`);
  }

  async release(): Promise<void> {
    await this.lock?.release();
    this.lock = undefined;
  }

  /** Stops a broker left on this data folder and wipes it: the next start has no topics at all. */
  reset(): Promise<number> {
    return this.run('reset');
  }

  /** Starts (or restarts) the broker; resolves once it serves requests, with how long that took (ms). */
  start(): Promise<number> {
    return this.run('start');
  }

  /** SIGKILL, at once; resolves when the process is gone. */
  kill(): Promise<number> {
    return this.run('kill');
  }

  stop(): Promise<number> {
    return this.run('stop');
  }

  /**
   * The group coordinator's account of a consumer group, from the broker's log: the reason of every
   * rebalance that began, and every generation that stabilised, with its number of members.
   */
  groupHistory(group: string): { reasons: string[]; stable: { generation: number; members: number }[] } {
    let text = '';
    try {
      text = readFileSync(join(this.dataDir, 'broker.log'), 'utf8');
    } catch {
      // no log yet
    }
    const reasons: string[] = [];
    const stable: { generation: number; members: number }[] = [];
    const stabilised = new RegExp(`Stabilized group ${group} generation (\\d+) with (\\d+) members`);
    for (const line of text.split('\n')) {
      if (line.includes(`Preparing to rebalance group ${group} `)) reasons.push(/\(reason: ([^;)]*)/.exec(line)?.[1] ?? '?');
      const m = stabilised.exec(line);
      if (m) stable.push({ generation: Number(m[1]), members: Number(m[2]) });
    }
    return { reasons, stable };
  }

  /** The broker log's ERROR lines (the cause of a failed start is often far above its last lines). */
  private errors(): string {
    try {
      const lines = readFileSync(join(this.dataDir, 'broker.log'), 'utf8')
        .split('\n')
        .filter((l) => / (ERROR|FATAL) /.test(l));
      return lines.length ? `broker.log errors:\n${lines.slice(0, 10).join('\n')}\n` : '';
    } catch {
      return '';
    }
  }

  private run(command: 'reset' | 'start' | 'kill' | 'stop'): Promise<number> {
    const started = Date.now();
    return new Promise((ok, fail) => {
      const child = spawn('bash', [SCRIPT, command], {
        cwd: REPO_ROOT,
        env: { ...process.env, LEDGER_KAFKA_PORT: String(this.port), LEDGER_KAFKA_DATA: this.dataDir, LEDGER_KAFKA_STOP_TIMEOUT: '15' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      child.on('error', fail);
      child.on('close', (code) =>
        code === 0 ? ok(Date.now() - started) : fail(new Error(`kafka.sh ${command} (port ${this.port}) exited with ${code}:\n${this.errors()}${err}`)),
      );
    });
  }
}
