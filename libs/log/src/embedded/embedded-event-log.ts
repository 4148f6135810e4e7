import { join } from 'node:path';
import { Pool } from 'pg';
import { LEDGER_TOPIC_PARTITIONS, LogMessage, partitionForKey } from '@ledger/contracts';
import { BatcherOptions, ProduceBatcher } from '../produce-batcher';
import { Appended, EventLog, LogBatch, PartitionBounds, SubscribeOptions, Subscription } from '../event-log';
import { migrate, inTransaction } from '@ledger/postgres';
import { LogSubscription, SubscriptionSettings } from './log-subscription';

/** The schema the embedded log's tables live in. */
export const EMBEDDED_LOG_SCHEMA = 'log';
export const EMBEDDED_LOG_MIGRATIONS_DIR = join(__dirname, 'migrations');
/** The default channel appends notify on commit with `{ topic, partitions }`; subscribers listen on it. */
export const EMBEDDED_LOG_CHANNEL = 'ledger_log';

export interface EmbeddedLogOptions {
  /** The append micro-batcher's bounds: the same meaning, defaults and 503s as the Kafka adapter's. */
  batching: BatcherOptions;
  /** Most records in one delivered batch. */
  maxBatchRecords: number;
  /** Most value bytes in one delivered batch (a single larger record still goes out, alone). */
  maxBatchBytes: number;
  /** How often a subscriber looks for records whose notification it missed. */
  pollIntervalMs: number;
  /** The channel appends notify and subscribers listen on. */
  channel: string;
}

const DEFAULTS: EmbeddedLogOptions = {
  batching: { maxQueued: 50_000, maxBatch: 2_000, maxBatchBytes: 4 * 1024 * 1024, ackTimeoutMs: 5_000 },
  maxBatchRecords: 500,
  maxBatchBytes: 4 * 1024 * 1024,
  pollIntervalMs: 500,
  channel: EMBEDDED_LOG_CHANNEL,
};

/**
 * The log port on PostgreSQL tables (schema `log`), so one machine runs the ledger without Kafka.
 * Callers see what the Kafka adapter gives them: murmur2 partitions, gap-free offsets per
 * partition, the database clock as record time, all messages of one append committed together,
 * consumption by partition and offset with the same retry rules. The pool is the caller's: the
 * log never ends it; subscribers open their own dedicated connection with the pool's settings.
 */
export class EmbeddedEventLog extends EventLog {
  private readonly options: EmbeddedLogOptions;
  private ready?: Promise<void>;
  private readonly batchers = new Map<string, ProduceBatcher>();
  private readonly partitionCounts = new Map<string, number>();
  private readonly subscriptions = new Set<LogSubscription>();
  private readonly writes = new Set<Promise<unknown>>();

  constructor(
    private readonly pool: Pool,
    options: Partial<EmbeddedLogOptions> = {},
  ) {
    super();
    this.options = { ...DEFAULTS, ...options };
  }

  /** Creates or upgrades the `log` schema; every operation awaits it, so calling it is optional. */
  init(): Promise<void> {
    this.ready ??= migrate(this.pool, EMBEDDED_LOG_SCHEMA, EMBEDDED_LOG_MIGRATIONS_DIR).then(
      () => undefined,
      (e) => {
        this.ready = undefined;
        throw e;
      },
    );
    return this.ready;
  }

  append(topic: string, messages: LogMessage[]): Promise<Appended[]> {
    let batcher = this.batchers.get(topic);
    if (!batcher) {
      batcher = new ProduceBatcher((m) => this.tracked(this.write(topic, m)), this.options.batching);
      this.batchers.set(topic, batcher);
    }
    return batcher.enqueue(messages);
  }

  /**
   * One transaction per produce call. The partitions' counter rows are locked in partition order
   * (no deadlock between appenders) and stay locked until commit, so records of a partition commit
   * in offset order: a reader never sees offset n+1 before n, and no offset is taken twice. The
   * record time is read after the locks, so it never decreases along a partition.
   */
  private async write(topic: string, messages: LogMessage[]): Promise<Appended[]> {
    await this.init();
    const count = await this.partitionCount(topic);
    const partitions = messages.map((m) => partitionForKey(m.key, count));
    const perPartition = new Map<number, number>();
    for (const p of partitions) perPartition.set(p, (perPartition.get(p) ?? 0) + 1);
    const touched = [...perPartition.keys()].sort((a, b) => a - b);
    return inTransaction(this.pool, async (client) => {
      await client.query('SELECT 1 FROM log.partitions WHERE topic = $1 AND partition = ANY($2::int[]) ORDER BY partition FOR UPDATE', [topic, touched]);
      const locked = await client.query<{ partition: number; base: string }>(
        `UPDATE log.partitions p SET next_offset = p.next_offset + n.count
           FROM unnest($2::int[], $3::bigint[]) AS n(partition, count)
          WHERE p.topic = $1 AND p.partition = n.partition
          RETURNING p.partition, (p.next_offset - n.count)::text AS base`,
        [topic, touched, touched.map((p) => perPartition.get(p))],
      );
      if (locked.rowCount !== touched.length) throw new Error(`topic ${topic} lacks some of the partitions ${touched.join(', ')}`);
      const next = new Map(locked.rows.map((r) => [r.partition, BigInt(r.base)]));
      const offsets = partitions.map((p) => {
        const offset = next.get(p) as bigint;
        next.set(p, offset + 1n);
        return offset.toString();
      });
      const { rows } = await client.query<{ ms: string }>(
        `WITH t AS (SELECT clock_timestamp() AS at),
         ins AS (
           INSERT INTO log.records (topic, partition, "offset", key, value, headers, appended_at)
           SELECT $1, r.partition, r.off, r.key, r.value, r.headers, t.at
             FROM unnest($2::int[], $3::bigint[], $4::text[], $5::bytea[], $6::jsonb[]) AS r(partition, off, key, value, headers), t
         )
         SELECT floor(extract(epoch FROM t.at) * 1000)::bigint::text AS ms, pg_notify($7, $8) FROM t`,
        [
          topic,
          partitions,
          offsets,
          messages.map((m) => m.key),
          messages.map((m) => m.value),
          messages.map((m) => JSON.stringify(m.headers ?? {})),
          this.options.channel,
          JSON.stringify({ topic, partitions: touched }),
        ],
      );
      const timestamp = rows[0].ms;
      return partitions.map((partition, i) => ({ partition, offset: offsets[i], timestamp }));
    });
  }

  private tracked<T>(work: Promise<T>): Promise<T> {
    this.writes.add(work);
    const done = () => this.writes.delete(work);
    work.then(done, done);
    return work;
  }

  private async partitionCount(topic: string): Promise<number> {
    const known = this.partitionCounts.get(topic);
    if (known) return known;
    const { rows } = await this.pool.query<{ partitions: number }>('SELECT partitions FROM log.topics WHERE name = $1', [topic]);
    if (!rows.length) throw new Error(`topic ${topic} does not exist`);
    this.partitionCounts.set(topic, rows[0].partitions);
    return rows[0].partitions;
  }

  async bounds(topic: string): Promise<PartitionBounds[]> {
    await this.init();
    const { rows } = await this.pool.query<PartitionBounds>(
      `SELECT p.partition,
              COALESCE((SELECT r."offset" FROM log.records r WHERE r.topic = p.topic AND r.partition = p.partition ORDER BY r."offset" LIMIT 1),
                       p.next_offset)::text AS low,
              p.next_offset::text AS high
         FROM log.partitions p WHERE p.topic = $1 ORDER BY p.partition`,
      [topic],
    );
    if (!rows.length) throw new Error(`topic ${topic} does not exist`);
    return rows;
  }

  async scan(topic: string, upTo: Map<number, string>, handle: (batch: LogBatch) => Promise<void>): Promise<void> {
    await this.init();
    for (const [partition, limit] of [...upTo].sort((a, b) => a[0] - b[0])) {
      let position = -1n;
      for (;;) {
        const { rows } = await this.pool.query(
          `SELECT r."offset"::text AS offset, r.key, r.value, r.headers, floor(extract(epoch FROM r.appended_at) * 1000)::bigint::text AS ts
             FROM log.records r WHERE r.topic = $1 AND r.partition = $2 AND r."offset" > $3 AND r."offset" < $4 ORDER BY r."offset" LIMIT 1000`,
          [topic, partition, position.toString(), limit],
        );
        if (!rows.length) break;
        position = BigInt(rows[rows.length - 1].offset);
        await handle({
          topic,
          partition,
          highWatermark: limit,
          messages: rows.map((r) => ({ offset: r.offset, key: r.key, value: r.value, headers: r.headers ?? {}, timestamp: r.ts })),
        });
      }
    }
  }

  async ensureTopics(topics: { events: string; dlq: string }, partitions = LEDGER_TOPIC_PARTITIONS): Promise<void> {
    await this.init();
    await inTransaction(this.pool, async (client) => {
      for (const [name, count] of [
        [topics.events, partitions],
        [topics.dlq, 1],
      ] as const) {
        await client.query('INSERT INTO log.topics (name, partitions) VALUES ($1, $2) ON CONFLICT DO NOTHING', [name, count]);
        await client.query(
          `INSERT INTO log.partitions (topic, partition)
           SELECT name, generate_series(0, partitions - 1) FROM log.topics WHERE name = $1
           ON CONFLICT DO NOTHING`,
          [name],
        );
      }
    });
  }

  /**
   * Consumes the topic for a consumer group: one active subscriber per (group, topic) at a time,
   * the others wait as hot standbys (a session advisory lock; see LogSubscription). Resolves once
   * the subscriber is queued for the lock, not when it starts consuming.
   */
  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    await this.init();
    const partitions = await this.partitionCount(options.topic);
    const { rows } = await this.pool.query<{ id: number }>(
      `INSERT INTO log.consumer_groups (group_id, topic) VALUES ($1, $2)
       ON CONFLICT (group_id, topic) DO UPDATE SET topic = EXCLUDED.topic RETURNING id`,
      [options.groupId, options.topic],
    );
    const settings: SubscriptionSettings = {
      groupKey: rows[0].id,
      partitions,
      channel: this.options.channel,
      maxRecords: this.options.maxBatchRecords,
      maxBytes: this.options.maxBatchBytes,
      pollIntervalMs: this.options.pollIntervalMs,
    };
    const subscription = new LogSubscription(this.pool, options, settings, () => this.subscriptions.delete(subscription));
    this.subscriptions.add(subscription);
    subscription.start();
    return subscription;
  }

  /** Stops every subscription and waits for appends in flight; the pool stays open (it is the caller's). */
  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    await Promise.allSettled([...this.writes]);
  }
}
