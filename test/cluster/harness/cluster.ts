import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { DEFAULT_TOPICS } from '@ledger/contracts';
import { PartitionReplicas } from '@ledger/log';
import { REPO_ROOT } from '@ledger/testing';
import { FileLock } from '../../faults/harness/file-lock';
import { ScenarioKafka } from '../../faults/harness/scenario';

/** What the helpers below ask for a topic's partitions (a KafkaEventLog, a BrokerReplicas). */
export interface ReplicaSource {
  replicas(topic: string): Promise<PartitionReplicas[]>;
}

const SCRIPT = join(REPO_ROOT, 'deploy/local/kafka.sh');
export const SIZE = 3;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * The cluster suite's three Kafka brokers, run by `deploy/local/kafka.sh cluster` on ports of their
 * own (LEDGER_CLUSTER_KAFKA_PORT, default 19292, 19293, 19294; controllers on 19295-19297, below the ephemeral port range) and a
 * data folder of their own (deploy/local/.cache/cluster-tests-<port>), so a scenario may kill and
 * pause them without touching any other broker. Broker n is Kafka node id n.
 */
export class KafkaCluster implements ScenarioKafka {
  readonly port: number;
  readonly dataDir: string;
  private lock?: FileLock;

  constructor(port = Number(process.env.LEDGER_CLUSTER_KAFKA_PORT || 19292)) {
    this.port = port;
    this.dataDir = join(REPO_ROOT, 'deploy/local/.cache', `cluster-tests-${port}`);
  }

  get brokers(): string {
    return this.nodes.map((n) => this.address(n)).join(',');
  }

  get nodes(): number[] {
    return Array.from({ length: SIZE }, (_, i) => i + 1);
  }

  address(node: number): string {
    return `127.0.0.1:${this.port + node - 1}`;
  }

  /** The bootstrap list without `node` (a client that must not wait on a paused broker). */
  brokersExcept(node: number): string[] {
    return this.nodes.filter((n) => n !== node).map((n) => this.address(n));
  }

  /** Takes the cluster for this run (an flock held by a child process), then checks its ports are free. */
  async acquire(): Promise<void> {
    const file = join(REPO_ROOT, 'deploy/local/.cache', `cluster-tests-${this.port}.lock`);
    this.lock = new FileLock(file);
    await this.lock.acquire(`another cluster run holds ${file}; wait for it, or set LEDGER_CLUSTER_KAFKA_PORT`);
  }

  async release(): Promise<void> {
    await this.lock?.release();
    this.lock = undefined;
  }

  /** Stops and wipes a cluster left in this folder; then refuses ports something else listens on (`kafka.sh cluster start` of a developer). */
  async reset(): Promise<number> {
    const ms = await this.run(['reset']);
    const taken: number[] = [];
    for (let p = this.port; p < this.port + 2 * SIZE; p++) if (await listening(p)) taken.push(p);
    if (taken.length) throw new Error(`ports ${taken.join(', ')} are taken (a cluster of \`kafka.sh cluster start\`?): stop it, or set LEDGER_CLUSTER_KAFKA_PORT`);
    return ms;
  }

  /** Starts every broker that is not running; resolves once all serve requests, with how long that took (ms). */
  start(): Promise<number> {
    return this.run(['start']);
  }

  startNode(node: number): Promise<number> {
    return this.run(['start', String(node)]);
  }

  /** SIGKILL; resolves when the process is gone. */
  kill(node: number): Promise<number> {
    return this.run(['kill', String(node)]);
  }

  /** SIGSTOP: the broker stays, silent, cut off from the others and the clients. */
  pause(node: number): Promise<number> {
    return this.run(['pause', String(node)]);
  }

  /** SIGCONT. */
  resume(node: number): Promise<number> {
    return this.run(['resume', String(node)]);
  }

  /** Every broker running and not paused (after a test that failed between a fault and its repair). */
  async whole(): Promise<void> {
    for (const n of this.nodes) await this.resume(n).catch(() => undefined);
    await this.start();
  }

  /** Each broker's log, kept with the scenario's logs (test-results/faults/logs/<scenario>/broker-<n>.log). */
  logFiles(): Record<string, string> {
    return Object.fromEntries(this.nodes.map((n) => [`broker-${n}.log`, join(this.dataDir, `node-${n}`, 'broker.log')]));
  }

  /**
   * When a controller fenced broker `node` (its session timed out: it leads nothing from then on)
   * at or after `after` (epoch ms), from the brokers' logs (kafka.sh runs them in UTC).
   */
  fencedAt(node: number, after: number): number | undefined {
    const line = new RegExp(`^\\[(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d),(\\d{3})\\]\\s+INFO\\s+\\[QuorumController id=\\d+\\] Fencing broker ${node} at epoch`);
    let first: number | undefined;
    for (const path of Object.values(this.logFiles())) {
      let text = '';
      try {
        text = readFileSync(path, 'utf8');
      } catch {
        continue;
      }
      for (const l of text.split('\n')) {
        const m = line.exec(l);
        const t = m ? Date.parse(`${m[1]}.${m[2]}Z`) : NaN;
        if (t >= after && (first === undefined || t < first)) first = t;
      }
    }
    return first;
  }

  private run(args: string[]): Promise<number> {
    const started = Date.now();
    return new Promise((ok, fail) => {
      const child = spawn('bash', [SCRIPT, 'cluster', ...args], {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          LEDGER_KAFKA_CLUSTER_PORT: String(this.port),
          LEDGER_KAFKA_CLUSTER_DATA: this.dataDir,
          LEDGER_KAFKA_CLUSTER_SIZE: String(SIZE),
          LEDGER_KAFKA_STOP_TIMEOUT: '15',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      child.on('error', fail);
      child.on('close', (code) => (code === 0 ? ok(Date.now() - started) : fail(new Error(`kafka.sh cluster ${args.join(' ')} exited with ${code}:\n${err}`))));
    });
  }
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.setTimeout(1_000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

/** The ledger topic's partitions as the cluster reports them (asked of `observer`), retried while the metadata is in motion. */
export async function ledgerReplicas(observer: ReplicaSource, timeoutMs = 15_000): Promise<PartitionReplicas[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await observer.replicas(DEFAULT_TOPICS.events);
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await sleep(200);
    }
  }
}

/** The broker leading the most partitions of the ledger topic (ties: the lowest id). */
export function busiestLeader(partitions: PartitionReplicas[]): number {
  const led = new Map<number, number>();
  for (const p of partitions) if (p.leader >= 0) led.set(p.leader, (led.get(p.leader) ?? 0) + 1);
  return [...led].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0];
}

/**
 * Waits until `ok` holds for the ledger topic's partitions, asking `observer` every 100 ms;
 * resolves with the time it took (ms) and the partitions it saw last.
 */
export async function waitPartitions(
  observer: ReplicaSource,
  ok: (partitions: PartitionReplicas[]) => boolean,
  what: string,
  timeoutMs = 60_000,
): Promise<{ ms: number; partitions: PartitionReplicas[] }> {
  const started = Date.now();
  let last: PartitionReplicas[] = [];
  let error = '';
  for (;;) {
    try {
      last = await observer.replicas(DEFAULT_TOPICS.events);
      if (last.length && ok(last)) return { ms: Date.now() - started, partitions: last };
    } catch (e) {
      error = (e as Error).message;
    }
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms (last: ${JSON.stringify(last)} ${error})`);
    await sleep(100);
  }
}

/** Every partition has a leader other than `gone` (or just a leader, when `gone` is undefined). */
export const ledOtherwise = (gone?: number) => (ps: PartitionReplicas[]) => ps.every((p) => p.leader >= 0 && p.leader !== gone);

/** Every partition has all its replicas in sync. */
export const fullyInSync = (ps: PartitionReplicas[]) => ps.every((p) => p.isr.length === p.replicas.length);
