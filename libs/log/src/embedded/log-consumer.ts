import { Notification, Pool } from 'pg';
import { BatchResult, LogBatch, OffsetBehindLogStartError, SubscribeOptions } from '../event-log';
import { backoff, pause, Slots, Wakeups } from './waiting';

/** How a subscription reads: what its log was configured with. */
export interface ConsumerSettings {
  partitions: number;
  channel: string;
  maxRecords: number;
  maxBytes: number;
  pollIntervalMs: number;
}

interface RecordRow {
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string> | null;
  ts: string;
  high: string;
}

/**
 * Reads every partition of the topic for the subscriber that holds the group lock, until `signal`
 * aborts: one worker per partition (its batches strictly in order), at most `concurrency` of them
 * fetching or handling at once. A worker with nothing to read sleeps until a notification or the
 * poll says its partition grew.
 */
export class LogConsumer {
  private readonly wakeups: Wakeups;
  private readonly slots: Slots;
  private readonly positions: bigint[];
  private polling = false;

  constructor(
    private readonly pool: Pool,
    private readonly options: SubscribeOptions,
    private readonly settings: ConsumerSettings,
    private readonly signal: AbortSignal,
  ) {
    this.wakeups = new Wakeups(settings.partitions);
    this.slots = new Slots(Math.max(1, options.concurrency ?? 3));
    this.positions = new Array<bigint>(settings.partitions).fill(0n);
    signal.addEventListener('abort', () => this.wakeups.signalAll(), { once: true });
  }

  notified(message: Notification): void {
    if (message.channel !== this.settings.channel || !message.payload) return;
    const { topic, partitions } = JSON.parse(message.payload) as { topic: string; partitions: number[] };
    if (topic === this.options.topic) for (const p of partitions) this.wakeups.signal(p);
  }

  /** Resolves once the signal aborted and every batch in flight finished. */
  async run(): Promise<void> {
    const starts = await this.startOffsets();
    if (!starts) return;
    const poll = setInterval(() => void this.poll(), this.settings.pollIntervalMs);
    try {
      await Promise.all(starts.map((start, partition) => this.consume(partition, start)));
    } finally {
      clearInterval(poll);
    }
  }

  /** The consumer's stored offsets ('0' where it has none); a failing lookup retries like a batch. */
  private async startOffsets(): Promise<string[] | null> {
    const all = Array.from({ length: this.settings.partitions }, (_, p) => p);
    for (let attempt = 0; !this.signal.aborted; attempt++) {
      try {
        const stored = await this.options.storedOffsets(all);
        return all.map((p) => stored.get(p) ?? '0');
      } catch (e) {
        this.options.onRetry?.(asError(e), attempt);
        await pause(backoff(attempt), this.signal);
      }
    }
    return null;
  }

  private async consume(partition: number, start: string): Promise<void> {
    if (!(await this.seekable(partition, start))) return;
    let position = BigInt(start);
    this.positions[partition] = position;
    for (let failures = 0; !this.signal.aborted;) {
      this.wakeups.clear(partition);
      await this.slots.acquire();
      let batch: LogBatch | null;
      let result: BatchResult | null = null;
      try {
        batch = await this.fetch(partition, position);
        if (batch) result = await this.handle(batch);
        failures = 0;
      } catch (e) {
        this.options.onRetry?.(asError(e), failures);
        await pause(backoff(failures++), this.signal);
        continue;
      } finally {
        this.slots.release();
      }
      if (!batch) {
        await this.wakeups.wait(partition);
        continue;
      }
      if (!result) return;
      const next = BigInt(result.nextOffset);
      if (next < BigInt(batch.messages[0].offset) && !(await this.seekable(partition, result.nextOffset))) return;
      position = next;
      this.positions[partition] = next;
      await this.remember(partition, next);
    }
  }

  /**
   * Consecutive records from `position` on: at most maxRecords, and no more value bytes than
   * maxBytes unless the first record alone is larger. Every fetch starts at an explicit offset, so
   * `fetchedFrom` is always set: a gap before the first record can only be the log's own.
   */
  private async fetch(partition: number, position: bigint): Promise<LogBatch | null> {
    const { rows } = await this.pool.query<RecordRow>(
      `SELECT w."offset"::text AS offset, w.key, w.value, w.headers, floor(extract(epoch FROM w.appended_at) * 1000)::bigint::text AS ts,
              p.next_offset::text AS high
         FROM log.partitions p,
              LATERAL (SELECT r.*, sum(coalesce(octet_length(r.value), 0)) OVER (ORDER BY r."offset") AS upto
                         FROM log.records r
                        WHERE r.topic = p.topic AND r.partition = p.partition AND r."offset" >= $3
                        ORDER BY r."offset" LIMIT $4) w
        WHERE p.topic = $1 AND p.partition = $2
          AND w.upto - coalesce(octet_length(w.value), 0) < $5
        ORDER BY w."offset"`,
      [this.options.topic, partition, position.toString(), this.settings.maxRecords, this.settings.maxBytes],
    );
    if (!rows.length) return null;
    return {
      topic: this.options.topic,
      partition,
      highWatermark: rows[0].high,
      fetchedFrom: position.toString(),
      messages: rows.map((r) => ({ offset: r.offset, key: r.key, value: r.value, headers: r.headers ?? {}, timestamp: r.ts })),
    };
  }

  /** The handler's outcome; throwing retries the same batch with backoff. Null: stopped, or fatal. */
  private async handle(batch: LogBatch): Promise<BatchResult | null> {
    for (let attempt = 0; !this.signal.aborted; attempt++) {
      try {
        return await this.options.handle(batch);
      } catch (e) {
        if (e instanceof OffsetBehindLogStartError) {
          this.options.onFatal(e);
          return null;
        }
        this.options.onRetry?.(asError(e), attempt);
        await pause(backoff(attempt), this.signal);
      }
    }
    return null;
  }

  /** Refuses (fatally, like the Kafka adapter's seek) an offset before the first record the log still holds. */
  private async seekable(partition: number, offset: string): Promise<boolean> {
    if (BigInt(offset) === 0n) return true;
    const { rows } = await this.pool.query<{ low: string | null }>(`SELECT "offset"::text AS low FROM log.records WHERE topic = $1 AND partition = $2 ORDER BY "offset" LIMIT 1`, [
      this.options.topic,
      partition,
    ]);
    const low = rows[0]?.low;
    if (low === undefined || low === null || BigInt(offset) >= BigInt(low)) return true;
    this.options.onFatal(new OffsetBehindLogStartError(this.options.topic, partition, offset, low));
    return false;
  }

  /** Where the group stands, for lag tools; the consumer's own stored offsets stay the truth. */
  private async remember(partition: number, next: bigint): Promise<void> {
    await this.pool
      .query(
        `INSERT INTO log.group_positions (group_id, topic, partition, next_offset) VALUES ($1, $2, $3, $4)
         ON CONFLICT (group_id, topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset, updated_at = now()`,
        [this.options.groupId, this.options.topic, partition, next.toString()],
      )
      .catch(() => undefined);
  }

  /** Catches what a lost notification would have announced. */
  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const { rows } = await this.pool.query<{ partition: number; next_offset: string }>(
        'SELECT partition, next_offset::text AS next_offset FROM log.partitions WHERE topic = $1',
        [this.options.topic],
      );
      for (const r of rows) if (BigInt(r.next_offset) > this.positions[r.partition]) this.wakeups.signal(r.partition);
    } catch {
      // The workers' own reads report an unreachable database.
    } finally {
      this.polling = false;
    }
  }
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}
