import { Pool } from 'pg';
import { EventLog } from '@ledger/log';
import { seededRandom, TestContext } from '@ledger/testing';

// Small helpers shared by the retries, poison and security fault scenarios.

/** The seed of a scenario's random choices: FAULTS_SEED when given (to replay a failure), else a fresh one. */
export function scenarioSeed(): number {
  const given = Number(process.env.FAULTS_SEED);
  return Number.isInteger(given) && given > 0 ? given : 1 + Math.floor(Math.random() * 0x7ffffffe);
}

/** A small deterministic PRNG: the same seed gives the same scenario. */
export const randomFrom = seededRandom;

export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Runs `work` over `items` with at most `concurrency` in flight; the first failure is rethrown after all settled. */
export async function runConcurrently<T>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      try {
        await work(items[i], i);
      } catch (e) {
        failure ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  if (failure !== undefined) throw failure;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Each partition's high watermark (the offset the log writes next). */
export async function highWatermarks(log: EventLog, topic: string): Promise<Record<number, string>> {
  // kafkajs' offset lookup now and then fails on a metadata refresh ("Cannot destructure property
  // 'partitions'…"); asking again answers.
  for (let attempt = 1; ; attempt++) {
    try {
      return Object.fromEntries((await log.bounds(topic)).map((b) => [b.partition, b.high]));
    } catch (e) {
      if (attempt >= 5) throw e;
      await sleep(200 * attempt);
    }
  }
}

/** Partitions where the projector's stored offset is behind the ledger topic's end (empty: caught up). */
export async function projectorBehind(ctx: TestContext): Promise<{ partition: number; stored: string; end: string }[]> {
  const ends = await highWatermarks(ctx.log, ctx.topics.events);
  const { rows } = await ctx.pool.query(`SELECT partition, next_offset::text AS next FROM ledger.consumer_offsets WHERE group_id = $1 AND topic = $2`, [
    ctx.config.LEDGER_PROJECTOR_GROUP,
    ctx.topics.events,
  ]);
  const stored = new Map<number, string>(rows.map((r) => [r.partition as number, r.next as string]));
  return Object.entries(ends)
    .map(([p, end]) => ({ partition: Number(p), stored: stored.get(Number(p)) ?? '0', end }))
    .filter((p) => BigInt(p.stored) < BigInt(p.end));
}

/** Waits until the projector reached the topic's end; answers how long that took, in seconds. */
export async function waitForProjectorAtEnd(ctx: TestContext, timeoutMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const behind = await projectorBehind(ctx);
    if (!behind.length) return (Date.now() - started) / 1000;
    if (Date.now() - started > timeoutMs) {
      const where = behind.map((p) => `partition ${p.partition} at ${p.stored} of ${p.end}`).join(', ');
      throw new Error(`the projector did not reach the end of ${ctx.topics.events} within ${timeoutMs} ms: ${where}`);
    }
    await sleep(100);
  }
}

/** Rows of a query, for short assertions. */
export async function rows<T = any>(pool: Pool, sql: string, params: unknown[] = []): Promise<T[]> {
  return (await pool.query(sql, params)).rows as T[];
}

/** How many rows per event id a table holds, for the given column (journal: applied rows only). */
export async function countsByEventId(pool: Pool, table: 'journal' | 'statements'): Promise<Map<string, number>> {
  const sql =
    table === 'journal'
      ? `SELECT event_id::text AS id, count(*)::int AS n FROM ledger.journal WHERE disposition = 'applied' GROUP BY event_id`
      : `SELECT event_id::text AS id, count(*)::int AS n FROM read_model.statements_v1 GROUP BY event_id`;
  return new Map((await rows<{ id: string; n: number }>(pool, sql)).map((r) => [r.id, r.n]));
}

/** Counts of a scenario's expected event ids in a table: found once, more than once, missing; and ids nobody expected. */
export function tally(expected: Iterable<string>, found: Map<string, number>): { once: number; more: number; missing: string[]; unexpected: string[] } {
  const wanted = new Set(expected);
  let once = 0;
  let more = 0;
  const missing: string[] = [];
  for (const id of wanted) {
    const n = found.get(id) ?? 0;
    if (n === 1) once++;
    else if (n > 1) more++;
    else missing.push(id);
  }
  const unexpected = [...found.keys()].filter((id) => !wanted.has(id));
  return { once, more, missing, unexpected };
}
