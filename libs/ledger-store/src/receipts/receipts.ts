import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import DataLoader from 'dataloader';
import { Pool } from 'pg';
import { PG_POOL, isDatabaseUnavailable } from '@ledger/postgres';

/** An event the log acknowledged. */
export interface Receipt {
  eventId: string;
  contentSha256: string;
  partition: number;
  offset: string;
  acceptedAt: string;
}

const RECENT_LIMIT = 100_000;
const FLUSH_MS = 20;
/** Lookups of concurrent requests wait this long to share one query (a tick alone rarely holds two). */
const LOOKUP_WINDOW_MS = 2;

/**
 * What this ledger has accepted before, by event id and content hash, so a retried publish gets
 * "duplicate" and a reused id with other content gets 409. Lookups from concurrent requests share
 * one query; receipts are written in batches after the acknowledgement, off the request's path. The
 * projector's journal stays the real guard against applying anything twice.
 */
@Injectable()
export class Receipts implements OnApplicationShutdown {
  private readonly logger = new Logger('receipts');
  private readonly recent = new Map<string, string>();
  private readonly order: string[] = [];
  private oldest = 0;
  private buffer: Receipt[] = [];
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  private readonly loader = new DataLoader<string, string | null>((ids) => this.lookup(ids), {
    cache: false,
    maxBatchSize: 1000,
    batchScheduleFn: (run) => setTimeout(run, LOOKUP_WINDOW_MS),
  });

  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /**
   * The content hash already accepted under this id, or null. While PostgreSQL is out of reach the
   * answer is "not known" and the event is published: the projector's journal still applies each
   * event id once, so availability is kept without giving up exactly-once.
   */
  async known(eventId: string): Promise<string | null> {
    const recent = this.recent.get(eventId);
    if (recent !== undefined) return recent;
    try {
      return await this.loader.load(eventId);
    } catch (e) {
      if (!isDatabaseUnavailable(e)) throw e;
      return null;
    }
  }

  record(receipts: Receipt[]): void {
    for (const r of receipts) this.remember(r.eventId, r.contentSha256);
    this.buffer.push(...receipts);
    this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  /** Keeps the last RECENT_LIMIT ids in a ring: the oldest is forgotten first. */
  private remember(eventId: string, hash: string): void {
    if (this.recent.has(eventId)) return;
    if (this.order.length < RECENT_LIMIT) this.order.push(eventId);
    else {
      this.recent.delete(this.order[this.oldest]);
      this.order[this.oldest] = eventId;
      this.oldest = (this.oldest + 1) % RECENT_LIMIT;
    }
    this.recent.set(eventId, hash);
  }

  private flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const rows = this.buffer;
    this.buffer = [];
    if (!rows.length) return this.flushing;
    this.flushing = this.flushing.then(() =>
      this.pool
        .query(
          `INSERT INTO ledger.ingest_receipts (event_id, content_sha256, partition, "offset", accepted_at)
           SELECT event_id, content_sha256, partition, "offset", accepted_at
             FROM jsonb_to_recordset($1::jsonb) AS r(event_id uuid, content_sha256 text, partition int, "offset" bigint, accepted_at timestamptz)
           ON CONFLICT (event_id) DO NOTHING`,
          [JSON.stringify(rows.map((r) => ({ event_id: r.eventId, content_sha256: r.contentSha256, partition: r.partition, offset: r.offset, accepted_at: r.acceptedAt })))],
        )
        .then(() => undefined)
        .catch((e: Error) => this.logger.warn(`could not write ${rows.length} receipt(s): ${e.message}`)),
    );
    return this.flushing;
  }

  private async lookup(ids: readonly string[]): Promise<(string | null)[]> {
    const { rows } = await this.pool.query(
      `SELECT event_id, content_sha256 FROM ledger.journal WHERE disposition = 'applied' AND event_id = ANY($1::uuid[])
       UNION ALL
       SELECT event_id, content_sha256 FROM ledger.ingest_receipts WHERE event_id = ANY($1::uuid[])`,
      [ids],
    );
    const found = new Map<string, string>();
    for (const r of rows) if (!found.has(r.event_id)) found.set(r.event_id, r.content_sha256);
    return ids.map((id) => found.get(id) ?? null);
  }
}
