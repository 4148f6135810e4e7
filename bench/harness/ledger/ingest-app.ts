import { TokenStore } from '@ledger/ledger-store';
import { createPool } from '@ledger/postgres';
import { pidListeningOn, pidsNamed } from '../measure/proc';
import type { BenchContext, ServerHandle, Watched } from '../types';

/** The ingest app under test, with what the load generator needs to call it. */
export interface IngestApp {
  server: ServerHandle;
  brokers: string[];
  topics: { events: string; dlq: string };
  /** Headers of every request: JSON, and a bearer token with the publish scope. */
  headers: Record<string, string>;
  publisher: string;
  /** The processes whose CPU a load window reports: server, broker (when local), PostgreSQL. */
  watch(): Watched;
}

/** High enough that the token bucket never answers 429 to the load generator. */
const RATE_PER_SEC = 10_000_000;

/**
 * Starts the ingest bench server (bench/server/main.ts) as its own process from the built dist, on
 * a fresh database and fresh topics, with a publish token made through TokenStore.
 */
export async function startIngestApp(ctx: BenchContext, name: string): Promise<IngestApp> {
  const brokers = await ctx.brokers();
  const db = await ctx.freshDatabase(`bench_${name}`);
  const topics = await ctx.freshTopics(`bench-${name}`);
  const publisher = `bench-${name}`;
  const pool = createPool(db.url, { max: 1 });
  const { token } = await new TokenStore(pool).create({ name: publisher, scopes: ['publish'], ratePerSec: RATE_PER_SEC }).finally(() => pool.end());
  const server = await ctx.startServer('server/main.js', {
    name: `ingest-${name}`,
    arg: { topics },
    env: { DATABASE_URL: db.url, KAFKA_BROKERS: brokers.join(','), PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
  });
  const brokerPort = /^(?:127\.0\.0\.1|localhost):(\d+)$/.exec(brokers[0])?.[1];
  const broker = brokerPort ? pidListeningOn(Number(brokerPort)) : undefined;
  return {
    server,
    brokers,
    topics,
    publisher,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    watch: () => ({ server: server.pid, broker, postgres: pidsNamed('postgres') }),
  };
}
