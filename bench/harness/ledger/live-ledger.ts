import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { LedgerTopics } from '@ledger/contracts';
import { TokenStore } from '@ledger/ledger-store';
import { createPool } from '@ledger/postgres';
import type { BenchContext, ServerHandle, Watched } from '../types';
import { appendBodies, Preloaded } from '../world/preload';
import { Body, LedgerWorld } from '../world/world';
import { infraWatch, serverEnv, startBenchServer, storedTotal, waitForCatchUp } from './projector-run';

/** High enough that no token bucket answers 429 to the load generator. */
const RATE_PER_SEC = 10_000_000;
export const PUBLISHER = 'bench-live';

/** The whole ledger running as in production, each app its own process, on a fresh database and topics. */
export interface LiveLedger {
  ingest: ServerHandle;
  /** The real projector, or the commit-only baseline. */
  projector: ServerHandle;
  query: ServerHandle;
  pool: Pool;
  topics: LedgerTopics;
  group: string;
  /** The world the seed came from; its next events are the load's. */
  world: LedgerWorld;
  seed: Preloaded;
  /** Headers of a publisher (POST /v1/events) and of a reader (queries). */
  publish: Record<string, string>;
  read: Record<string, string>;
  readToken: string;
  /** Every app, the broker and PostgreSQL, for the CPU columns. */
  watch(): Watched;
}

/**
 * Seeds a fresh topic with `seed` events of a world (registry first) written straight to the log,
 * starts the projector (or the commit-only baseline), the query API and the ingest API as three
 * processes, and waits until the projector has caught up with the seed.
 */
export async function startLiveLedger(ctx: BenchContext, name: string, projector: 'projector' | 'commit-only', seed: number, worldSize: number): Promise<LiveLedger> {
  const brokers = await ctx.brokers();
  const db = await ctx.freshDatabase(`bench_${name.replace(/\W/g, '_')}`);
  const topics = await ctx.freshTopics(`bench-${name}`);
  const pool = createPool(db.url, { max: 2 });
  ctx.defer(() => pool.end());
  const tokens = new TokenStore(pool);
  const { token: publishToken } = await tokens.create({ name: PUBLISHER, scopes: ['publish'], ratePerSec: RATE_PER_SEC });
  const { token: readToken } = await tokens.create({ name: 'bench-reader', scopes: ['read'], ratePerSec: RATE_PER_SEC });

  const world = new LedgerWorld({ events: worldSize });
  const seedResult = await appendBodies(brokers, topics.events, seedBodies(world, seed), PUBLISHER);
  const group = `bench-${name}-${randomBytes(4).toString('hex')}`;
  const env = serverEnv(ctx, db, brokers, group);
  const projectorServer = await startBenchServer(ctx, `${name}-${projector}`, [projector], topics, env);
  const query = await startBenchServer(ctx, `${name}-query`, ['query'], topics, env);
  const ingest = await startBenchServer(ctx, `${name}-ingest`, ['ingest'], topics, env);
  ctx.log(`${name}: ${projector} catching up with the ${seed}-event seed`);
  await waitForCatchUp(pool, projectorServer, { group, records: seedResult.records, watch: {} });
  if ((await storedTotal(pool, group)) !== seedResult.records) throw new Error('the projector stored more than the seed');
  const infra = infraWatch(brokers);
  return {
    ingest,
    projector: projectorServer,
    query,
    pool,
    topics,
    group,
    world,
    seed: seedResult,
    publish: { 'content-type': 'application/json', authorization: `Bearer ${publishToken}` },
    read: { authorization: `Bearer ${readToken}` },
    readToken,
    watch: () => ({ ingest: ingest.pid, projector: projectorServer.pid, query: query.pid, ...infra }),
  };
}

function* seedBodies(world: LedgerWorld, seed: number): Generator<{ body: Body; isRegistry: boolean }> {
  let n = 0;
  for (const body of world.registry()) if (n++ < seed) yield { body, isRegistry: true };
  while (n++ < seed) yield { body: world.next(), isRegistry: false };
}
