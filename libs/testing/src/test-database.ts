import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { quoteIdent } from '@ledger/postgres';

/** The servers the jest global setup found or started (libs/testing/src/infra). */
export function testServers(): { adminUrl: string; brokers: string[] } {
  const adminUrl = process.env.LEDGER_TEST_DATABASE_URL;
  const brokers = process.env.LEDGER_TEST_KAFKA_BROKERS;
  if (!adminUrl || !brokers) throw new Error('LEDGER_TEST_DATABASE_URL / LEDGER_TEST_KAFKA_BROKERS unset: run through jest (its global setup starts the servers)');
  return { adminUrl, brokers: brokers.split(',') };
}

export async function createTestDatabase(prefix = 't'): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const { adminUrl } = testServers();
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new Pool({ connectionString: adminUrl, max: 1 });
  await admin.query(`CREATE DATABASE ${quoteIdent(name)}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = '/' + name;
  return {
    name,
    url: url.toString(),
    drop: async () => {
      const a = new Pool({ connectionString: adminUrl, max: 1 });
      await a.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`).finally(() => a.end());
    },
  };
}

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms${lastError ? `: ${String(lastError)}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
