import { Pool } from 'pg';

/** One partition's chain head: the hash of its last journaled record, before nextOffset. */
export interface ChainHead {
  partition: number;
  nextOffset: string;
  hash: string;
}

/** A signed statement of every partition's chain head at one moment. */
export interface Checkpoint {
  id: string;
  topic: string;
  signedAt: string;
  heads: ChainHead[];
  payload: string;
  signature: string;
  keyId: string;
}

/** Stores a signed checkpoint; answers its id. */
export async function insertCheckpoint(pool: Pool, c: Omit<Checkpoint, 'id' | 'signature'> & { signature: Buffer }): Promise<string> {
  const inserted = await pool.query(`INSERT INTO ledger.checkpoints (topic, signed_at, heads, payload, signature, key_id) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, [
    c.topic,
    c.signedAt,
    JSON.stringify(c.heads),
    c.payload,
    c.signature,
    c.keyId,
  ]);
  return inserted.rows[0].id;
}

const COLUMNS = 'id, topic, signed_at, heads, payload, signature, key_id';

function toCheckpoint(r: Record<string, any>): Checkpoint {
  return {
    id: r.id,
    topic: r.topic,
    signedAt: (r.signed_at as Date).toISOString(),
    heads: r.heads,
    payload: r.payload,
    signature: (r.signature as Buffer).toString('base64'),
    keyId: r.key_id,
  };
}

export async function listCheckpoints(pool: Pool, limit = 100): Promise<Checkpoint[]> {
  const { rows } = await pool.query(`SELECT ${COLUMNS} FROM ledger.checkpoints ORDER BY id DESC LIMIT $1`, [limit]);
  return rows.map(toCheckpoint);
}

/** The checkpoints with these ids (those an export cites), in id order. */
export async function checkpointsById(pool: Pool, ids: string[]): Promise<Checkpoint[]> {
  const { rows } = await pool.query(`SELECT ${COLUMNS} FROM ledger.checkpoints WHERE id = ANY($1::bigint[]) ORDER BY id`, [ids]);
  return rows.map(toCheckpoint);
}

/** One partition's signed heads, earliest first: which checkpoint first covers a record of it. */
export async function signedHeads(pool: Pool, partition: number): Promise<{ checkpointId: string; nextOffset: bigint }[]> {
  const { rows } = await pool.query(
    `SELECT c.id, (h->>'nextOffset')::bigint::text AS next_offset
       FROM ledger.checkpoints c CROSS JOIN LATERAL jsonb_array_elements(c.heads) h
      WHERE (h->>'partition')::int = $1 ORDER BY (h->>'nextOffset')::bigint, c.id`,
    [partition],
  );
  return rows.map((r) => ({ checkpointId: r.id, nextOffset: BigInt(r.next_offset) }));
}

/** The public half of the key the projector signs with, as it announced it (ledger.meta). */
export interface PublishedKey {
  keyId: string;
  publicKey: string;
}

/** Announces the signing key's public half, so the audit API can serve it from any host. */
export async function publishSigningKey(pool: Pool, key: PublishedKey): Promise<void> {
  await pool.query(
    `INSERT INTO ledger.meta (key, value) VALUES ('signing_key', $1) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now() WHERE ledger.meta.value <> EXCLUDED.value`,
    [JSON.stringify(key)],
  );
}

export async function publishedSigningKey(pool: Pool): Promise<PublishedKey | null> {
  const { rows } = await pool.query(`SELECT value FROM ledger.meta WHERE key = 'signing_key'`);
  return (rows[0]?.value as PublishedKey | undefined) ?? null;
}
