import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { LogBackpressureError, LogMessage, LogUnavailableError } from '@ledger/contracts';
import { BatchResult, LogBatch, Subscription } from '../event-log';
import { createTestDatabase, eventually } from '@ledger/testing';
import { createPool } from '@ledger/postgres';
import { describeLogContract } from '../__tests__/event-log.contract';
import { EmbeddedEventLog, EmbeddedLogOptions } from './embedded-event-log';

// The embedded log on the real server, in a fresh database for this file: first the contract the
// Kafka adapter passes too, then what only the embedded log has (its group lock, its notifications).
let database: Promise<{ url: string; drop(): Promise<void> }> | undefined;
const freshDatabase = () => (database ??= createTestDatabase('log'));
afterAll(async () => (await database)?.drop());

async function openLog(options: Partial<EmbeddedLogOptions> = {}): Promise<{ pool: Pool; log: EmbeddedEventLog; topics: { events: string; dlq: string } }> {
  const pool = createPool((await freshDatabase()).url);
  const log = new EmbeddedEventLog(pool, options);
  const id = randomUUID().slice(0, 8);
  const topics = { events: `ledger.events.v1.${id}`, dlq: `ledger.events.dlq.v1.${id}` };
  await log.ensureTopics(topics);
  return { pool, log, topics };
}

describeLogContract(
  'EmbeddedEventLog',
  async () => {
    const { pool, log, topics } = await openLog();
    return { log, topics, close: async () => (await log.close(), await pool.end()) };
  },
  { atomicAcrossPartitions: true },
);

describe('EmbeddedEventLog', () => {
  const opened: { pool: Pool; log: EmbeddedEventLog }[] = [];
  const open = async (options: Partial<EmbeddedLogOptions> = {}) => {
    const it = await openLog(options);
    opened.push(it);
    return it;
  };
  afterEach(async () => {
    for (const { log, pool } of opened.splice(0)) {
      await log.close();
      await pool.end();
    }
  });

  it('keeps offsets gap-free and record times ordered when several processes append at once', async () => {
    // Each log's micro-batcher serialises its own writes; only separate instances race in the database.
    const { pool, log, topics } = await open();
    const others = Array.from({ length: 3 }, () => new EmbeddedEventLog(pool));
    const writers = [log, ...others];
    const keys = Array.from({ length: 8 }, () => randomUUID());
    const calls = Array.from({ length: 80 }, (_, c) =>
      writers[c % writers.length].append(
        topics.events,
        Array.from({ length: 10 }, (_, i) => ({ key: keys[(c + i) % keys.length], value: Buffer.from('{}'), headers: {} })),
      ),
    );
    const appended = (await Promise.all(calls)).flat();
    await Promise.all(others.map((o) => o.close()));

    const byPartition = new Map<number, { offset: bigint; time: number }[]>();
    for (const a of appended) byPartition.set(a.partition, [...(byPartition.get(a.partition) ?? []), { offset: BigInt(a.offset), time: Number(a.timestamp) }]);
    for (const [partition, records] of byPartition) {
      records.sort((x, y) => (x.offset < y.offset ? -1 : 1));
      expect(records.map((r) => r.offset)).toEqual(records.map((_, i) => BigInt(i)));
      expect(records.map((r) => r.time)).toEqual(records.map((r) => r.time).sort((x, y) => x - y));
      expect((await log.bounds(topics.events))[partition].high).toBe(String(records.length));
    }
  });

  it('lets one subscriber of a group consume; the standby takes over from the stored offsets when it stops', async () => {
    const { log, topics } = await open();
    const group = new GroupMembers(log, topics.events);
    const [a, b] = [await group.join('a'), await group.join('b')];
    await log.append(topics.events, messages(10));
    await eventually(async () => (group.applied() === 10 ? true : undefined));
    const active = group.seen('a') ? a : b;
    expect(group.seen('a') !== group.seen('b')).toBe(true);

    await active.stop();
    const before = group.delivered.length;
    await log.append(topics.events, messages(10));
    await eventually(async () => (group.applied() === 20 ? true : undefined));
    const after = group.delivered.slice(before);
    expect(new Set(after.map((d) => d.member))).toEqual(new Set([active === a ? 'b' : 'a']));
    expect(group.duplicates()).toEqual([]);
  });

  it('hands the group to the standby when the active subscriber loses its connection', async () => {
    const { log, pool, topics } = await open();
    const group = new GroupMembers(log, topics.events);
    await group.join('a');
    await eventually(async () => ((await lockHolders(pool)).length === 1 ? true : undefined));
    await group.join('b');
    await log.append(topics.events, messages(6));
    await eventually(async () => (group.applied() === 6 ? true : undefined));
    expect(group.seen('b')).toBe(false);

    await pool.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [await lockHolders(pool)]);
    const before = group.delivered.length;
    await log.append(topics.events, messages(6));
    await eventually(async () => (group.applied() === 12 ? true : undefined));
    expect(new Set(group.delivered.slice(before).map((d) => d.member))).toEqual(new Set(['b']));
    expect(group.retries.get('a')?.length).toBeGreaterThan(0);
    expect(group.duplicates()).toEqual([]);
  });

  it('stop() lets the batch in flight finish, then releases the group', async () => {
    const { log, topics } = await open();
    let finished = false;
    const slow = await log.subscribe({
      topic: topics.events,
      groupId: 'slow',
      storedOffsets: async () => new Map(),
      handle: async (batch) => {
        await new Promise((r) => setTimeout(r, 500));
        finished = true;
        return next(batch);
      },
      onFatal: () => undefined,
    });
    await log.append(topics.events, messages(1));
    await new Promise((r) => setTimeout(r, 200));
    await slow.stop();
    expect(finished).toBe(true);
    const group = new GroupMembers(log, topics.events, 'slow');
    await group.join('next');
    await eventually(async () => (group.applied() === 1 ? true : undefined));
  });

  it('delivers an append within milliseconds: the notification, not the poll', async () => {
    const { log, topics } = await open({ pollIntervalMs: 60_000 });
    const arrived = new Map<string, number>();
    const subscription = await log.subscribe({
      topic: topics.events,
      groupId: 'latency',
      storedOffsets: async () => new Map(),
      handle: async (batch) => {
        for (const m of batch.messages) arrived.set(m.key as string, performance.now());
        return next(batch);
      },
      onFatal: () => undefined,
    });
    try {
      const latencies: number[] = [];
      for (let i = 0; i < 50; i++) {
        const [message] = messages(1);
        const sent = performance.now();
        await log.append(topics.events, [message]);
        await eventually(async () => (arrived.has(message.key) ? true : undefined), 5_000, 2);
        latencies.push((arrived.get(message.key) as number) - sent);
      }
      latencies.sort((x, y) => x - y);
      expect(latencies[25]).toBeLessThan(100);
    } finally {
      await subscription.stop();
    }
  });

  it('finds records whose notification it never got, by polling', async () => {
    const reader = await open({ pollIntervalMs: 100 });
    const writer = new EmbeddedEventLog(reader.pool, { channel: 'elsewhere' });
    const delivered: string[] = [];
    const subscription = await reader.log.subscribe({
      topic: reader.topics.events,
      groupId: 'poll',
      storedOffsets: async () => new Map(),
      handle: async (batch) => (delivered.push(...batch.messages.map((m) => m.offset)), next(batch)),
      onFatal: () => undefined,
    });
    try {
      await writer.append(reader.topics.events, messages(3));
      await eventually(async () => (delivered.length === 3 ? true : undefined), 5_000);
    } finally {
      await subscription.stop();
      await writer.close();
    }
  });

  it('answers 503 when PostgreSQL is unreachable, and 503 backpressure when too much is queued', async () => {
    const down = createPool('postgres://postgres@127.0.0.1:1/none', { connectionTimeoutMillis: 1_000 });
    await expect(new EmbeddedEventLog(down).append('ledger.events.v1', messages(1))).rejects.toBeInstanceOf(LogUnavailableError);
    await down.end();

    const { log, topics } = await open({ batching: { maxQueued: 5, maxBatch: 100, maxBatchBytes: 1 << 20, ackTimeoutMs: 5_000 } });
    const inFlight = log.append(topics.events, messages(1));
    const queued = log.append(topics.events, messages(5));
    await expect(log.append(topics.events, messages(1))).rejects.toBeInstanceOf(LogBackpressureError);
    expect(await inFlight).toHaveLength(1);
    expect(await queued).toHaveLength(5);
  });
});

/** Subscribers of one group sharing their stored offsets, as projector replicas share Postgres. */
class GroupMembers {
  readonly delivered: { member: string; partition: number; offset: string }[] = [];
  readonly retries = new Map<string, Error[]>();
  private readonly stored = new Map<number, string>();
  private readonly subscriptions: Subscription[] = [];

  constructor(
    private readonly log: EmbeddedEventLog,
    private readonly topic: string,
    private readonly groupId = `group-${randomUUID()}`,
  ) {}

  async join(member: string): Promise<Subscription> {
    const subscription = await this.log.subscribe({
      topic: this.topic,
      groupId: this.groupId,
      storedOffsets: async (partitions) => new Map(partitions.flatMap((p) => (this.stored.has(p) ? [[p, this.stored.get(p) as string]] : []))),
      handle: async (batch) => {
        for (const m of batch.messages) this.delivered.push({ member, partition: batch.partition, offset: m.offset });
        const result = next(batch);
        this.stored.set(batch.partition, result.nextOffset);
        return result;
      },
      onRetry: (error) => this.retries.set(member, [...(this.retries.get(member) ?? []), error]),
      onFatal: () => undefined,
    });
    this.subscriptions.push(subscription);
    return subscription;
  }

  seen(member: string): boolean {
    return this.delivered.some((d) => d.member === member);
  }

  applied(): number {
    return [...this.stored.values()].reduce((n, offset) => n + Number(offset), 0);
  }

  duplicates(): string[] {
    const keys = this.delivered.map((d) => `${d.partition}:${d.offset}`);
    return keys.filter((k, i) => keys.indexOf(k) !== i);
  }
}

function messages(n: number): LogMessage[] {
  return Array.from({ length: n }, () => ({ key: randomUUID(), value: Buffer.from('{}'), headers: {} }));
}

function next(batch: LogBatch): BatchResult {
  return { nextOffset: (BigInt(batch.messages[batch.messages.length - 1].offset) + 1n).toString() };
}

/** Backends holding a consumer-group lock of the embedded log. */
async function lockHolders(pool: Pool): Promise<number[]> {
  const { rows } = await pool.query<{ pid: number }>(
    `SELECT l.pid FROM pg_locks l JOIN log.consumer_groups g ON l.objid = g.id::oid
      WHERE l.locktype = 'advisory' AND l.objsubid = 2 AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
  );
  return rows.map((r) => r.pid);
}
