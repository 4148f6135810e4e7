import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { LedgerTopics } from '@ledger/contracts';
import { KafkaEventLog } from '@ledger/log';
import { createPool, migrate } from '@ledger/postgres';
import { LEDGER_MIGRATIONS_DIR, LEDGER_SCHEMA } from '@ledger/ledger-store';
import { READ_MIGRATIONS_DIR, READ_SCHEMA } from '@ledger/read-models';
import { createTestDatabase } from '@ledger/testing';
import { ensureKafka, TestKafka } from '../../../libs/testing/src/infra/kafka';
import { ensurePostgres, TestPostgres } from '../../../libs/testing/src/infra/postgres';
import type { BenchContext, ServerHandle } from '../types';
import { startServer } from './server-process';

export interface RunOptions {
  quick: boolean;
  profile: boolean;
  connections?: number[];
  runDir: string;
}

/**
 * The runner's side of BenchContext. Kafka and PostgreSQL come up once, on first use, through the
 * test infrastructure (so the same environment variables apply); everything made for the run is
 * undone in `close()`, and a broker or server that was found running is left alone.
 */
export class BenchRun implements BenchContext {
  readonly quick: boolean;
  readonly profile: boolean;
  readonly warmupSec: number;
  readonly measureSec: number;
  readonly connections?: number[];
  readonly runDir: string;
  /** Where the infrastructure came from, for the report. */
  readonly origins: string[] = [];
  private kafka?: Promise<TestKafka>;
  private postgres?: Promise<TestPostgres>;
  private admin?: KafkaEventLog;
  private readonly cleanups: (() => Promise<unknown>)[] = [];

  constructor(options: RunOptions) {
    this.quick = options.quick;
    this.profile = options.profile;
    this.warmupSec = options.quick ? 1 : 3;
    this.measureSec = options.quick ? 3 : 12;
    this.connections = options.connections;
    this.runDir = options.runDir;
    mkdirSync(this.runDir, { recursive: true });
  }

  log(line: string): void {
    process.stderr.write(`bench: ${line}\n`);
  }

  async brokers(): Promise<string[]> {
    this.kafka ??= this.bringUp('Kafka', ensureKafka, (k) => `Kafka ${k.brokers.join(',')} from ${k.origin}`);
    return (await this.kafka).brokers;
  }

  async freshDatabase(prefix: string): Promise<{ name: string; url: string }> {
    this.postgres ??= this.bringUp('PostgreSQL', ensurePostgres, (p) => `PostgreSQL from ${p.origin}`);
    // createTestDatabase reads the admin url the way the jest global setup hands it over.
    process.env.LEDGER_TEST_DATABASE_URL = (await this.postgres).url;
    process.env.LEDGER_TEST_KAFKA_BROKERS ??= 'unused';
    const db = await createTestDatabase(prefix);
    this.defer(() => db.drop());
    const pool = createPool(db.url, { max: 1 });
    try {
      await migrate(pool, LEDGER_SCHEMA, LEDGER_MIGRATIONS_DIR);
      await migrate(pool, READ_SCHEMA, READ_MIGRATIONS_DIR);
    } finally {
      await pool.end();
    }
    return { name: db.name, url: db.url };
  }

  async freshTopics(prefix: string, partitions?: number): Promise<LedgerTopics> {
    const admin = await this.adminLog();
    const id = `${prefix}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    const topics = { events: `ledger.events.v1.${id}`, dlq: `ledger.events.dlq.v1.${id}` };
    await admin.ensureTopics(topics, partitions);
    this.defer(() => admin.deleteTopics([topics.events, topics.dlq]));
    return topics;
  }

  async startServer(script: string, options: { name: string; arg: unknown; env: Record<string, string> }): Promise<ServerHandle> {
    const server = await startServer({ script, arg: options.arg, env: options.env, logFile: join(this.runDir, `${options.name}.log`) });
    this.defer(() => server.stop());
    this.log(`${options.name} listening on ${server.url} (pid ${server.pid}, log ${server.logFile})`);
    return server;
  }

  defer(cleanup: () => Promise<unknown>): void {
    this.cleanups.push(cleanup);
  }

  /** Undoes everything the run made or started, newest first; reports failures, never throws. */
  async close(): Promise<void> {
    while (this.cleanups.length) {
      const cleanup = this.cleanups.pop()!;
      await cleanup().catch((e: Error) => this.log(`cleanup failed: ${e.message}`));
    }
    await this.admin?.close().catch(() => undefined);
    for (const infra of [this.kafka, this.postgres]) {
      const up = await infra?.catch(() => undefined);
      await up?.stop().catch((e: Error) => this.log(`stopping infrastructure failed: ${e.message}`));
    }
  }

  private async adminLog(): Promise<KafkaEventLog> {
    this.admin ??= new KafkaEventLog({ brokers: await this.brokers(), clientId: 'ledger-bench' });
    return this.admin;
  }

  private async bringUp<T>(what: string, ensure: () => Promise<T>, describe: (t: T) => string): Promise<T> {
    const up = await ensure();
    this.origins.push(describe(up));
    this.log(`${what}: ${describe(up)}`);
    return up;
  }
}
