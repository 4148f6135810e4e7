import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { KafkaEventLog } from '@ledger/log';
import { createPool } from '@ledger/postgres';
import { createTestDatabase } from '@ledger/testing';
import { FIGURES_DIR } from '../figures';
import { AppName, AppProcess } from './apps';

/** The Kafka a scenario runs on: FaultBroker (one broker), or the cluster of test/cluster. */
export interface ScenarioKafka {
  /** Bootstrap servers, comma-separated. */
  readonly brokers: string;
  /** Where its logs are: `broker.log` in this folder is kept with the scenario's logs. */
  readonly dataDir: string;
  /** Further broker logs to keep (a cluster's, one per broker): file name → path. */
  logFiles?(): Record<string, string>;
  acquire(): Promise<void>;
  release(): Promise<void>;
  reset(): Promise<number>;
  start(): Promise<number>;
}

export interface ScenarioOptions {
  /** Names the folder the scenario's logs are kept in: test-results/faults/logs/<name>/. */
  name: string;
  /** The scenario's Kafka: its own broker, wiped and started by `open`. */
  broker: ScenarioKafka;
  /** A PostgreSQL of the scenario's own (superuser URL); default: a fresh database on the test server. */
  databaseUrl?: string;
}

/**
 * What one fault scenario runs on: a fresh database, its own broker (reset: no topics yet), a data
 * folder shared by the projector and the CLI (the signing key lives there), a bootstrap admin
 * token, and the app processes it starts, all killed and removed by `close`.
 */
export class FaultScenario {
  readonly token = `sl_faults_${randomBytes(18).toString('base64url')}`;
  readonly group = 'ledger-projector';
  readonly dataDir = mkdtempSync(join(tmpdir(), 'ledger-faults-'));
  readonly apps: AppProcess[] = [];
  /** Loads, readers and samplers to stop first when the scenario closes (a failed test leaves them running). */
  private readonly running: { stop(): Promise<void> }[] = [];
  /** Why `close` leaves the database and the broker's data in place (see `keepForInspection`). */
  private kept?: string;
  readonly log: KafkaEventLog;
  readonly pool: Pool;

  private constructor(
    readonly name: string,
    readonly broker: ScenarioKafka,
    readonly databaseUrl: string,
    private readonly dropDatabase: () => Promise<void>,
  ) {
    this.log = new KafkaEventLog({ brokers: broker.brokers.split(','), clientId: 'faults-observer' });
    // Small and quick to give up: the observer must not hang on a server the scenario stopped.
    this.pool = createPool(databaseUrl, { max: 3, connectionTimeoutMillis: 2_000 });
  }

  static async open(options: ScenarioOptions): Promise<FaultScenario> {
    await options.broker.acquire();
    try {
      await options.broker.reset();
      await options.broker.start();
      if (options.databaseUrl) return new FaultScenario(options.name, options.broker, options.databaseUrl, async () => undefined);
      const db = await createTestDatabase('faults');
      return new FaultScenario(options.name, options.broker, db.url, db.drop);
    } catch (e) {
      await options.broker.release();
      throw e;
    }
  }

  /** The environment every app process and CLI command of this scenario gets. */
  env(): Record<string, string> {
    return {
      DATABASE_URL: this.databaseUrl,
      KAFKA_BROKERS: this.broker.brokers,
      LEDGER_DATA_DIR: this.dataDir,
      LEDGER_BOOTSTRAP_TOKEN: this.token,
      LEDGER_PROJECTOR_GROUP: this.group,
    };
  }

  /** A new app process of this scenario (not started yet). */
  async app(name: AppName, extraEnv: Record<string, string> = {}): Promise<AppProcess> {
    const app = await AppProcess.create(name, () => this.env());
    app.extraEnv = extraEnv;
    this.apps.push(app);
    return app;
  }

  /** Stops every app gracefully (SIGTERM, in parallel); answers each one's exit code. */
  async stopApps(): Promise<Record<string, number | string | undefined>> {
    const codes = await Promise.all(this.apps.map((a) => a.stop()));
    return Object.fromEntries(this.apps.map((a, i) => [`${a.name}#${i}`, codes[i]]));
  }

  /** Registers something that runs until stopped, so that `close` stops it. */
  track<T extends { stop(): Promise<void> }>(thing: T): T {
    this.running.push(thing);
    return thing;
  }

  /**
   * With LEDGER_FAULTS_KEEP=1, `close` leaves this scenario's database, its brokers (running) and
   * its data folder as they are, and says where, so a failure can be looked into by hand; the next
   * run of a scenario on the same brokers wipes them. Without it, nothing changes.
   */
  keepForInspection(reason: string): void {
    if (process.env.LEDGER_FAULTS_KEEP === '1') this.kept = reason;
  }

  async close(): Promise<void> {
    await Promise.all(this.running.map((r) => r.stop().catch(() => undefined)));
    await Promise.all(this.apps.map((a) => a.kill()));
    this.keepLogs();
    await this.log.close().catch(() => undefined);
    await this.pool.end().catch(() => undefined);
    if (this.kept) {
      const where = `database ${this.databaseUrl}, Kafka ${this.broker.brokers} (data ${this.broker.dataDir}), data folder ${this.dataDir}`;
      writeFileSync(join(FIGURES_DIR, 'logs', this.name, 'KEPT.txt'), `${this.kept}\n${where}\n`);
      process.stderr.write(`${this.name}: kept for inspection (${this.kept}): ${where}\n`);
      await this.broker.release();
      return;
    }
    await this.dropDatabase().catch(() => undefined);
    await this.broker.reset().catch(() => undefined);
    await this.broker.release();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** Writes every app's output and the broker's log to test-results/faults/logs/<name>/, for a look after the run. */
  private keepLogs(): void {
    const dir = join(FIGURES_DIR, 'logs', this.name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    this.apps.forEach((app, i) => writeFileSync(join(dir, `${app.name}-${i}.log`), app.output()));
    try {
      copyFileSync(join(this.broker.dataDir, 'broker.log'), join(dir, 'broker.log'));
    } catch {
      // no broker log
    }
    for (const [name, path] of Object.entries(this.broker.logFiles?.() ?? {})) {
      try {
        copyFileSync(path, join(dir, name));
      } catch {
        // that broker never wrote a log
      }
    }
  }
}

/**
 * The environment that gives a projector process a consumer session of `ms` instead of the
 * default (KAFKA_SESSION_TIMEOUT_MS, 10 s; the broker's floor is 6 s): a crashed member leaves
 * its group that much sooner.
 */
export function shortKafkaSession(ms = 6_000): Record<string, string> {
  return { KAFKA_SESSION_TIMEOUT_MS: String(ms) };
}

/** A temp folder the `postgres` OS user may enter (embedded PostgreSQL runs as that user under root). */
export function postgresReachableTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}
