import { readFileSync } from 'node:fs';
import { Client, Pool, PoolClient } from 'pg';
import { processCpuSeconds } from './proc';

// CPU of PostgreSQL backends, read from /proc: the server runs on this machine (127.0.0.1), and a
// backend is one process per connection, so its CPU is the cost of that connection's statements.

/**
 * CPU seconds a process has used so far: /proc/<pid>/schedstat's time on a CPU (nanoseconds) when
 * the kernel has it, else /proc/<pid>/stat's utime + stime (10 ms ticks, too coarse for one batch).
 * Undefined once the process is gone (or when /proc does not show it: PostgreSQL on another host).
 */
export function cpuSecondsOf(pid: number): number | undefined {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e9;
  } catch {
    return processCpuSeconds(pid);
  }
}

/** The pid of the backend serving a connection (`SELECT pg_backend_pid()`). */
export async function backendPid(client: Pool | PoolClient | Client): Promise<number> {
  const { rows } = await client.query('SELECT pg_backend_pid() AS pid');
  return rows[0].pid as number;
}

/** One backend's CPU as a counter: `read()` answers the seconds it used since the meter was made. */
export class BackendMeter {
  private readonly start: number;

  constructor(readonly pid: number) {
    const now = cpuSecondsOf(pid);
    if (now === undefined) throw new Error(`cannot read the CPU of PostgreSQL backend ${pid} in /proc: the bench needs PostgreSQL on this machine`);
    this.start = now;
  }

  read(): number {
    return (cpuSecondsOf(this.pid) ?? this.start) - this.start;
  }
}

/**
 * Every backend of one database (but the meter's own connection), sampled every `everyMs` so that a
 * backend that ends meanwhile keeps the CPU it was last seen with: the CPU a pool's connections
 * used over a window, whichever connections the code under test opened. Other databases of the
 * same server (other people's tests) are not counted.
 */
export class DatabaseCpuMeter {
  private readonly seen = new Map<number, { start: number; last: number }>();
  private timer?: NodeJS.Timeout;
  private client?: Client;
  private own = -1;

  constructor(
    private readonly url: string,
    private readonly everyMs = 250,
  ) {}

  async start(): Promise<void> {
    this.client = new Client({ connectionString: this.url });
    await this.client.connect();
    this.own = await backendPid(this.client);
    await this.sample(true);
    this.timer = setInterval(() => void this.sample(false).catch(() => undefined), this.everyMs);
  }

  /** CPU seconds of the database's backends since start(); the meter keeps running. */
  async read(): Promise<number> {
    await this.sample(false);
    let total = 0;
    for (const { start, last } of this.seen.values()) total += last - start;
    return total;
  }

  /** read() without asking the server for new backends: for synchronous callers, between two samples. */
  readNow(): number {
    let total = 0;
    for (const [pid, known] of this.seen) {
      const now = cpuSecondsOf(pid);
      if (now !== undefined && now >= known.last) known.last = now;
      total += known.last - known.start;
    }
    return total;
  }

  async stop(): Promise<number> {
    const total = await this.read();
    clearInterval(this.timer);
    await this.client?.end();
    return total;
  }

  private async sample(initial: boolean): Promise<void> {
    const { rows } = await this.client!.query('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> $1', [this.own]);
    for (const { pid } of rows as { pid: number }[]) {
      const now = cpuSecondsOf(pid);
      if (now === undefined) continue;
      const known = this.seen.get(pid);
      // A backend that starts inside the window counts from its start (connection set-up included).
      if (known) known.last = now;
      else this.seen.set(pid, { start: initial ? now : 0, last: now });
    }
    for (const [pid, known] of this.seen) {
      const now = cpuSecondsOf(pid);
      if (now !== undefined && now >= known.last) known.last = now;
    }
  }
}
