import { DynamicModule, Global, Inject, Logger, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Pool } from 'pg';
import { DEFAULT_TOPICS, LedgerTopics } from '@ledger/contracts';
import { BatcherOptions, EventLog, KafkaEventLog } from '@ledger/log';
import { createPool, migrate, PG_POOL } from '@ledger/postgres';
import { LEDGER_MIGRATIONS_DIR, LEDGER_SCHEMA } from '@ledger/ledger-store';
import { READ_MIGRATIONS_DIR, READ_SCHEMA } from '@ledger/read-models';
import { LedgerConfig, CLOCK, LEDGER_TOPICS } from '@ledger/config';

export interface InfraOptions {
  config: LedgerConfig;
  /** A pool to use instead of one built from DATABASE_URL (embedded PostgreSQL, tests). */
  pool?: Pool;
  /** A log to use instead of one built from KAFKA_BROKERS; `false`: this app uses no log (no Kafka client is built). */
  log?: EventLog | false;
  topics?: LedgerTopics;
  clock?: () => number;
  /**
   * This app only reads: with DATABASE_READ_URL set, its pool reads that server (a streaming
   * replica, read-only: no migrations at boot) instead of DATABASE_URL.
   */
  readReplica?: boolean;
}

class InfraLifecycle implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('infra');
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly log: EventLog | undefined,
    @Inject(LEDGER_TOPICS) private readonly topics: LedgerTopics,
    private readonly owned: { pool: boolean; log: boolean },
    private readonly migrateAtBoot: boolean,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.migrateAtBoot) return; // a read-only role: the schema is someone else's to change
    const applied = (await migrate(this.pool, LEDGER_SCHEMA, LEDGER_MIGRATIONS_DIR)) + (await migrate(this.pool, READ_SCHEMA, READ_MIGRATIONS_DIR));
    if (applied) this.logger.log(`applied ${applied} migration(s)`);
    await this.log?.ensureTopics(this.topics);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.owned.log) await this.log?.close();
    if (this.owned.pool) await this.pool.end();
  }
}

/**
 * The infrastructure every app shares: configuration, the Postgres pool, the event log, topic names
 * and the clock. Migrations run and topics are created on start.
 */
@Global()
@Module({})
export class LedgerInfraModule {
  static forRoot(options: InfraOptions): DynamicModule {
    const { config } = options;
    const replicaUrl = options.readReplica ? config.DATABASE_READ_URL : undefined;
    const pool = options.pool ?? createPool(replicaUrl ?? requireDatabaseUrl(config), { prepare: config.LEDGER_DATABASE_PREPARE });
    const log = options.log === false ? undefined : (options.log ?? createKafkaLog(config));
    const topics = options.topics ?? DEFAULT_TOPICS;
    const owned = { pool: !options.pool, log: !options.log };
    return {
      module: LedgerInfraModule,
      providers: [
        { provide: LedgerConfig, useValue: config },
        { provide: PG_POOL, useValue: pool },
        ...(log ? [{ provide: EventLog, useValue: log }] : []),
        { provide: LEDGER_TOPICS, useValue: topics },
        { provide: CLOCK, useValue: options.clock ?? Date.now },
        { provide: InfraLifecycle, useFactory: () => new InfraLifecycle(pool, log, topics, owned, config.LEDGER_MIGRATE && !replicaUrl) },
      ],
      exports: [LedgerConfig, PG_POOL, ...(log ? [EventLog] : []), LEDGER_TOPICS, CLOCK],
    };
  }
}

function requireDatabaseUrl(config: LedgerConfig): string {
  if (!config.DATABASE_URL) throw new Error('DATABASE_URL is not set and no pool was given');
  return config.DATABASE_URL;
}

/** The event log KAFKA_BROKERS names (with its SASL/TLS settings and ack timeout). */
export function createKafkaLog(config: LedgerConfig): EventLog {
  if (!config.KAFKA_BROKERS) throw new Error('KAFKA_BROKERS is not set and no log was given');
  return new KafkaEventLog(
    {
      brokers: config.KAFKA_BROKERS.split(','),
      clientId: config.KAFKA_CLIENT_ID,
      ssl: config.KAFKA_SSL,
      sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
      sasl: config.KAFKA_SASL_MECHANISM ? { mechanism: config.KAFKA_SASL_MECHANISM, username: config.KAFKA_SASL_USERNAME!, password: config.KAFKA_SASL_PASSWORD! } : undefined,
    },
    produceBatching(config),
    { factor: config.LEDGER_TOPIC_REPLICATION, minInsync: config.LEDGER_MIN_INSYNC_REPLICAS },
  );
}

/** The produce batcher's settings for either log (Kafka or embedded): ack timeout and linger from config. */
export function produceBatching(config: LedgerConfig): BatcherOptions {
  return { maxQueued: 50_000, maxBatch: 2_000, maxBatchBytes: 4 * 1024 * 1024, ackTimeoutMs: config.LEDGER_ACK_TIMEOUT_MS, lingerMs: config.LEDGER_PRODUCE_LINGER_MS };
}
