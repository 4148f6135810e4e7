import { Pool, PoolClient } from 'pg';
import { GENESIS_HASH } from '@ledger/contracts';

type Queryable = Pool | PoolClient;

/** Whose offsets: a consumer group on one topic. */
export interface OffsetScope {
  group: string;
  topic: string;
}

/** One partition's stored position: the next offset to read and the hash chain's head before it. */
export interface StoredOffset {
  partition: number;
  nextOffset: string;
  /** sha256 of the last journaled record of the partition, hex; null before the first. */
  chainHead: string | null;
}

/**
 * The one place that reads and writes `ledger.consumer_offsets`: the projector's next offset per
 * partition, stored in the same transaction as its writes (invariant 2), with the chain head.
 */
export async function storedOffsets(db: Queryable, scope: OffsetScope, partitions?: number[]): Promise<Map<number, string>> {
  const { rows } = await db.query(
    `SELECT partition, next_offset FROM ledger.consumer_offsets
      WHERE group_id = $1 AND topic = $2 AND ($3::int[] IS NULL OR partition = ANY($3::int[]))`,
    [scope.group, scope.topic, partitions ?? null],
  );
  return new Map(rows.map((r) => [r.partition as number, r.next_offset as string]));
}

/** Every partition's stored position, in partition order; only partitions with a chain head when `chained`. */
export async function listOffsets(db: Queryable, scope: OffsetScope, options: { chained?: boolean } = {}): Promise<StoredOffset[]> {
  const { rows } = await db.query(
    `SELECT partition, next_offset::text AS next_offset, encode(chain_hash, 'hex') AS chain_head FROM ledger.consumer_offsets
      WHERE group_id = $1 AND topic = $2 AND (NOT $3 OR chain_hash IS NOT NULL) ORDER BY partition`,
    [scope.group, scope.topic, options.chained ?? false],
  );
  return rows.map((r) => ({ partition: r.partition, nextOffset: r.next_offset, chainHead: r.chain_head }));
}

/** The partitions any group has stored a position for: the partitions the journal holds. */
export async function journaledPartitions(db: Queryable): Promise<number[]> {
  const { rows } = await db.query(`SELECT DISTINCT partition FROM ledger.consumer_offsets ORDER BY partition`);
  return rows.map((r) => r.partition as number);
}

/** Sum of the next offsets of a group (on every topic): how many records it has consumed. */
export async function consumedCount(db: Queryable, group?: string): Promise<bigint> {
  const { rows } = await db.query(`SELECT coalesce(sum(next_offset), 0)::text AS n FROM ledger.consumer_offsets WHERE $1::text IS NULL OR group_id = $1`, [group ?? null]);
  return BigInt(rows[0].n);
}

/**
 * Locks the partitions' positions for this transaction (creating each at 0) in partition order, and
 * answers them: a second consumer of the same partition waits here, then finds the offset moved and
 * is fenced. One statement however many partitions: an upsert whose conflict arm rewrites the row
 * unchanged, which takes its lock as FOR UPDATE does, and answers the newest committed position.
 */
export async function lockOffsets(client: PoolClient, scope: OffsetScope, partitions: number[]): Promise<Map<number, { next: bigint; chain: Buffer }>> {
  const sorted = [...new Set(partitions)].sort((a, b) => a - b);
  const { rows } = await client.query(
    `INSERT INTO ledger.consumer_offsets AS o (group_id, topic, partition, next_offset)
     SELECT $1, $2, p, 0 FROM unnest($3::int[]) AS p ORDER BY p
     ON CONFLICT (group_id, topic, partition) DO UPDATE SET next_offset = o.next_offset
     RETURNING o.partition, o.next_offset, o.chain_hash`,
    [scope.group, scope.topic, sorted],
  );
  return new Map(rows.map((r) => [r.partition as number, { next: BigInt(r.next_offset), chain: (r.chain_hash as Buffer | null) ?? GENESIS_HASH }]));
}

/** One partition's compare-and-set: from the offset locked to the batch's next offset and chain head. */
export interface OffsetMove {
  partition: number;
  from: bigint;
  to: bigint;
  chain: Buffer;
}

/**
 * Compare-and-set of the partitions' next offsets and chain heads in one statement: answers the
 * partitions another consumer moved first (none: every move held).
 */
export async function advanceOffsets(client: PoolClient, scope: OffsetScope, moves: OffsetMove[]): Promise<number[]> {
  const { rows } = await client.query(
    `UPDATE ledger.consumer_offsets o SET next_offset = m.next, chain_hash = m.chain, updated_at = now()
       FROM unnest($3::int[], $4::bigint[], $5::bigint[], $6::bytea[]) AS m(partition, expected, next, chain)
      WHERE o.group_id = $1 AND o.topic = $2 AND o.partition = m.partition AND o.next_offset = m.expected
     RETURNING o.partition`,
    [scope.group, scope.topic, moves.map((m) => m.partition), moves.map((m) => m.from.toString()), moves.map((m) => m.to.toString()), moves.map((m) => m.chain)],
  );
  const moved = new Set(rows.map((r) => r.partition as number));
  return moves.filter((m) => !moved.has(m.partition)).map((m) => m.partition);
}

/** Sets a partition's position outright, without a fence: for tools that build a journal in bulk. */
export async function setOffset(db: Queryable, scope: OffsetScope, partition: number, next: string, chain?: Buffer): Promise<void> {
  await db.query(
    `INSERT INTO ledger.consumer_offsets (group_id, topic, partition, next_offset, chain_hash) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (group_id, topic, partition) DO UPDATE SET next_offset = excluded.next_offset,
       chain_hash = coalesce(excluded.chain_hash, ledger.consumer_offsets.chain_hash), updated_at = now()`,
    [scope.group, scope.topic, partition, next, chain ?? null],
  );
}
