import './ledger-aliases';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureKafka, TestKafka } from './kafka';
import { ensurePostgres, TestPostgres } from './postgres';
import { REPO_ROOT } from '../repo-root';

/** What the global teardown needs; jest runs both hooks in its parent process. */
export interface LedgerTestInfra {
  postgres: TestPostgres;
  kafka: TestKafka;
}

declare global {
  var __LEDGER_TEST_INFRA__: LedgerTestInfra | undefined;
}

/**
 * Brings up the real PostgreSQL and Kafka once per jest run. The test workers are started after
 * this and inherit LEDGER_TEST_DATABASE_URL (an admin url: create a database per test file from it)
 * and LEDGER_TEST_KAFKA_BROKERS (comma-separated).
 */
export default async function globalSetup(): Promise<void> {
  buildDist();
  const [postgres, kafka] = await Promise.allSettled([ensurePostgres(), ensureKafka()]);
  if (postgres.status === 'rejected' || kafka.status === 'rejected') {
    // Do not leave the half that did come up running.
    if (postgres.status === 'fulfilled') await postgres.value.stop().catch(() => undefined);
    if (kafka.status === 'fulfilled') await kafka.value.stop().catch(() => undefined);
    throw postgres.status === 'rejected' ? postgres.reason : (kafka as PromiseRejectedResult).reason;
  }
  globalThis.__LEDGER_TEST_INFRA__ = { postgres: postgres.value, kafka: kafka.value };
  process.env.LEDGER_TEST_DATABASE_URL = postgres.value.url;
  process.env.LEDGER_TEST_KAFKA_BROKERS = kafka.value.brokers.join(',');
  process.stdout.write(`\nledger test infra: PostgreSQL from ${postgres.value.origin}; Kafka ${kafka.value.brokers.join(',')} from ${kafka.value.origin}\n`);
}

/**
 * Tests that run the real processes (CLI commands, apps killed with SIGKILL) start them from
 * dist/, so the run builds it first: swc compiles the tree in a second or two.
 */
function buildDist(): void {
  execFileSync(process.execPath, [join(REPO_ROOT, 'node_modules', '@swc', 'cli', 'bin', 'swc.js'), 'apps', 'libs', '-d', 'dist', '--copy-files', '--quiet'], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
  });
}
