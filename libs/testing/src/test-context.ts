import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamicModule, Type } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Pool } from 'pg';
import { LedgerTopics } from '@ledger/contracts';
import { KafkaEventLog } from '@ledger/log';
import { LedgerConfig, loadConfig } from '@ledger/config';
import { Readiness, ReadinessReport, createHttpApp, LedgerInfraModule, rootModule } from '@ledger/ops';
import { createPool, migrate } from '@ledger/postgres';
import { createTestDatabase, eventually, testServers } from './test-database';
import { LEDGER_MIGRATIONS_DIR, LEDGER_SCHEMA } from '@ledger/ledger-store';
import { READ_MIGRATIONS_DIR, READ_SCHEMA } from '@ledger/read-models';

/** A fresh database and fresh topics for one test file, on the real servers the global setup found. */
export interface TestContext {
  id: string;
  databaseUrl: string;
  brokers: string[];
  pool: Pool;
  log: KafkaEventLog;
  topics: LedgerTopics;
  config: LedgerConfig;
  close(): Promise<void>;
}

export async function createTestContext(overrides: Partial<LedgerConfig> = {}): Promise<TestContext> {
  const { brokers } = testServers();
  const db = await createTestDatabase();
  const id = db.name;
  const pool = createPool(db.url);
  await migrate(pool, LEDGER_SCHEMA, LEDGER_MIGRATIONS_DIR);
  await migrate(pool, READ_SCHEMA, READ_MIGRATIONS_DIR);
  const topics = { events: `ledger.events.v1.${id}`, dlq: `ledger.events.dlq.v1.${id}` };
  const log = new KafkaEventLog({ brokers, clientId: `test-${id}` });
  await log.ensureTopics(topics);
  const config = loadConfig(
    {},
    {
      LEDGER_DATA_DIR: mkdtempSync(join(tmpdir(), 'ledger-test-')),
      DATABASE_URL: db.url,
      KAFKA_BROKERS: brokers.join(','),
      LEDGER_PROJECTOR_GROUP: `projector-${id}`,
      PORT: 0,
      LOG_LEVEL: 'silent',
      ...overrides,
    },
  );
  return {
    id,
    databaseUrl: db.url,
    brokers,
    pool,
    log,
    topics,
    config,
    close: async () => {
      await log.deleteTopics([topics.events, topics.dlq]).catch(() => undefined);
      await log.close();
      await pool.end();
      await db.drop();
    },
  };
}

/** Starts a Nest app with the given feature modules on the context's database and topics, on a free port. */
export async function startTestApp(
  ctx: TestContext,
  features: (Type | DynamicModule)[],
  options: { log?: KafkaEventLog; readyWithinMs?: number } = {},
): Promise<{ app: NestFastifyApplication; url: string; close(): Promise<void> }> {
  const infra = LedgerInfraModule.forRoot({ config: ctx.config, pool: ctx.pool, log: options.log ?? ctx.log, topics: ctx.topics });
  const app = await createHttpApp(rootModule(infra, features), ctx.config);
  app.useLogger(false);
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  await untilReady(app, options.readyWithinMs ?? 60_000);
  return { app, url: url.replace('[::1]', '127.0.0.1'), close: () => app.close() };
}

/**
 * Waits until the app's readiness checks all pass — as a load balancer would before sending
 * traffic — so a test does not race the projector's background group join. 0 skips the wait.
 */
async function untilReady(app: NestFastifyApplication, withinMs: number): Promise<void> {
  if (withinMs <= 0) return;
  const readiness = app.get(Readiness, { strict: false });
  let last: ReadinessReport | undefined;
  await eventually(async () => ((last = await readiness.evaluate()).ready ? true : undefined), withinMs, 100).catch(async () => {
    await app.close();
    throw new Error(`test app not ready within ${withinMs} ms: ${JSON.stringify(last?.checks)}`);
  });
}
