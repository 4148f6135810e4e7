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
 * Locks one partition's position for this transaction (creating it at 0) and answers it: a second
 * consumer of the same partition waits here, then finds the offset moved and is fenced.
 */
export async function lockOffset(client: PoolClient, scope: OffsetScope, partition: number): Promise<{ next: bigint; chain: Buffer }> {
  await client.query(`INSERT INTO ledger.consumer_offsets (group_id, topic, partition, next_offset) VALUES ($1, $2, $3, 0) ON CONFLICT DO NOTHING`, [
    scope.group,
    scope.topic,
    partition,
  ]);
  const { rows } = await client.query(`SELECT next_offset, chain_hash FROM ledger.consumer_offsets WHERE group_id = $1 AND topic = $2 AND partition = $3 FOR UPDATE`, [
    scope.group,
    scope.topic,
    partition,
  ]);
  return { next: BigInt(rows[0].next_offset), chain: rows[0].chain_hash ?? GENESIS_HASH };
}

/** Compare-and-set of the next offset and chain head: false when another consumer moved it first. */
export async function advanceOffset(client: PoolClient, scope: OffsetScope, partition: number, from: bigint, to: bigint, chain: Buffer): Promise<boolean> {
  const cas = await client.query(
    `UPDATE ledger.consumer_offsets SET next_offset = $4, chain_hash = $6, updated_at = now()
      WHERE group_id = $1 AND topic = $2 AND partition = $3 AND next_offset = $5`,
    [scope.group, scope.topic, partition, to.toString(), from.toString(), chain],
  );
  return cas.rowCount === 1;
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
