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

export async function listCheckpoints(pool: Pool, limit = 100): Promise<Checkpoint[]> {
  const { rows } = await pool.query(`SELECT id, topic, signed_at, heads, payload, signature, key_id FROM ledger.checkpoints ORDER BY id DESC LIMIT $1`, [limit]);
  return rows.map((r) => ({
    id: r.id,
    topic: r.topic,
    signedAt: (r.signed_at as Date).toISOString(),
    heads: r.heads,
    payload: r.payload,
    signature: (r.signature as Buffer).toString('base64'),
    keyId: r.key_id,
  }));
}
