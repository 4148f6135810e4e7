import { Pool, PoolClient } from 'pg';
import { write } from '@ledger/postgres';

type Queryable = Pool | PoolClient;

/**
 * The PostgreSQL channel on which the projector wakes the query API up when it commits a batch. The
 * payload is only a hint (`{ partition }`: where to look); what is announced is read from
 * `ledger.live_feed`, which only the projector writes. Any role may NOTIFY any channel, so a
 * payload is never taken as a fact.
 */
export const APPLIED_CHANNEL = 'ledger_applied';

/** How long announcements stay in `ledger.live_feed`: a reconnecting listener catches up within it. */
export const LIVE_FEED_KEEP_SECONDS = 300;

/** What one applied batch announces on GET /v1/stream. */
export interface Announcement {
  partition: number;
  /** The partition's next offset after the batch (a decimal string). */
  nextOffset: string;
  events: { eventId: string; type: string }[];
  positions: { party: string; proposalId: string }[];
  /** Some events or positions were left out to keep the announcement small: readers must refetch. */
  truncated?: boolean;
}

/**
 * Records applied batches' announcements (one per partition) inside the batches' transaction and wakes the listeners
 * (the notification is delivered at commit, when the row is visible). `prune` also deletes
 * announcements older than LIVE_FEED_KEEP_SECONDS.
 */
export async function announceApplied(client: PoolClient, announcements: Announcement[], options: { prune?: boolean } = {}): Promise<void> {
  if (!announcements.length) return;
  // Writes whose answers nobody reads: in a pipelined transaction they go out with its COMMIT.
  if (options.prune) await write(client, `DELETE FROM ledger.live_feed WHERE created_at < now() - make_interval(secs => $1)`, [LIVE_FEED_KEEP_SECONDS]);
  // One row and one notification per partition, in one statement however many partitions (an
  // announcement already there was made by an earlier attempt that committed: nothing new to wake).
  await write(
    client,
    `WITH fed AS (
       INSERT INTO ledger.live_feed (partition, next_offset, announcement)
       SELECT * FROM unnest($1::int[], $2::bigint[], $3::jsonb[]) ON CONFLICT DO NOTHING RETURNING partition
     )
     SELECT count(pg_notify($4, json_build_object('partition', partition)::text)) FROM fed`,
    [announcements.map((a) => a.partition), announcements.map((a) => a.nextOffset), announcements.map((a) => JSON.stringify(a)), APPLIED_CHANNEL],
  );
}

/** The newest announced next offset of every partition in the feed: where a new listener starts. */
export async function liveFeedHeads(db: Queryable): Promise<Map<number, bigint>> {
  const { rows } = await db.query(`SELECT partition, max(next_offset)::text AS head FROM ledger.live_feed GROUP BY partition`);
  return new Map(rows.map((r) => [r.partition as number, BigInt(r.head as string)]));
}

/**
 * The announcements past `after` (partition → last next offset announced; -1 for a partition not
 * seen yet), oldest first per partition, at most `limit` per partition.
 */
export async function announcementsAfter(db: Queryable, after: Map<number, bigint>, limit: number): Promise<Announcement[]> {
  if (!after.size) return [];
  const { rows } = await db.query(
    `SELECT f.announcement FROM unnest($1::int[], $2::bigint[]) AS a(partition, announced)
       CROSS JOIN LATERAL (SELECT announcement, next_offset FROM ledger.live_feed
                            WHERE partition = a.partition AND next_offset > a.announced ORDER BY next_offset LIMIT $3) f
      ORDER BY a.partition, f.next_offset`,
    [[...after.keys()], [...after.values()].map(String), limit],
  );
  return rows.map((r) => r.announcement as Announcement);
}

/**
 * The next offset of every partition the journal holds (its last record's offset + 1): the position
 * a stream id names for "everything so far". A partition with no record yet is left out. One index
 * probe per partition.
 */
export async function journalHeads(db: Queryable): Promise<Map<number, bigint>> {
  const { rows } = await db.query(
    `SELECT p AS partition, (SELECT max("offset") + 1 FROM ledger.journal j WHERE j.partition = p)::text AS head
       FROM generate_series(0, (SELECT coalesce(max(partition), -1) FROM ledger.journal)) AS p`,
  );
  return new Map(rows.filter((r) => r.head !== null).map((r) => [r.partition as number, BigInt(r.head as string)]));
}

/** One record of the journal as a resuming stream needs it. */
export interface JournalMark {
  offset: string;
  /** Null unless the record was applied (a duplicate or a rejection announces nothing). */
  eventId: string | null;
  type: string | null;
}

/**
 * The records of one partition with `from` ≤ offset < `to`, in log order, at most `limit`: what a
 * stream that lost its place in the live feed missed. Applied ones carry their event id and type.
 */
export async function journalBetween(db: Queryable, partition: number, from: bigint, to: bigint, limit: number): Promise<JournalMark[]> {
  const { rows } = await db.query(
    `SELECT "offset"::text AS offset, CASE WHEN disposition = 'applied' THEN event_id END AS event_id, CASE WHEN disposition = 'applied' THEN type END AS type
       FROM ledger.journal WHERE partition = $1 AND "offset" >= $2 AND "offset" < $3 ORDER BY "offset" LIMIT $4`,
    [partition, from.toString(), to.toString(), limit],
  );
  return rows.map((r) => ({ offset: r.offset as string, eventId: r.event_id as string | null, type: r.type as string | null }));
}

/** Whether the live feed still holds the announcement that ended at `nextOffset` in `partition`. */
export async function liveFeedHolds(db: Queryable, partition: number, nextOffset: bigint): Promise<boolean> {
  const { rowCount } = await db.query(`SELECT 1 FROM ledger.live_feed WHERE partition = $1 AND next_offset = $2`, [partition, nextOffset.toString()]);
  return (rowCount ?? 0) > 0;
}
