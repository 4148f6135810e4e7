import { createPublicKey, sign, verify } from 'node:crypto';
import { Pool } from 'pg';
import { canonicalJson } from '@ledger/contracts';
import { listOffsets } from '../offsets/offsets';
import { SigningKey } from './signing-key';

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

/** Reads the projector group's chain heads and stores them signed; answers the checkpoint. */
export async function signCheckpoint(pool: Pool, key: SigningKey, group: string, topic: string, now = new Date()): Promise<Checkpoint | null> {
  const rows = await listOffsets(pool, { group, topic }, { chained: true });
  if (!rows.length) return null;
  const heads: ChainHead[] = rows.map((r) => ({ partition: r.partition, nextOffset: r.nextOffset, hash: r.chainHead! }));
  const payload = canonicalJson({ topic, signedAt: now.toISOString(), heads, keyId: key.keyId });
  const signature = sign(null, Buffer.from(payload, 'utf8'), key.privateKey);
  const inserted = await pool.query(
    `INSERT INTO ledger.checkpoints (topic, signed_at, heads, payload, signature, key_id) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [topic, now, JSON.stringify(heads), payload, signature, key.keyId],
  );
  return { id: inserted.rows[0].id, topic, signedAt: now.toISOString(), heads, payload, signature: signature.toString('base64'), keyId: key.keyId };
}

export async function listCheckpoints(pool: Pool, limit = 100): Promise<Checkpoint[]> {
  const { rows } = await pool.query(`SELECT id, topic, signed_at, heads, payload, signature, key_id FROM ledger.checkpoints ORDER BY id DESC LIMIT $1`, [limit]);
  return rows.map((r) => ({ id: r.id, topic: r.topic, signedAt: (r.signed_at as Date).toISOString(), heads: r.heads, payload: r.payload, signature: (r.signature as Buffer).toString('base64'), keyId: r.key_id }));
}

/** Whether a checkpoint's signature holds under the trusted public key, and its payload matches its heads. */
export function checkpointValid(c: Checkpoint, publicKeyPem: string): boolean {
  const parsed = JSON.parse(c.payload) as { heads: ChainHead[]; topic: string };
  if (canonicalJson(parsed.heads) !== canonicalJson(c.heads) || parsed.topic !== c.topic) return false;
  return verify(null, Buffer.from(c.payload, 'utf8'), createPublicKey(publicKeyPem), Buffer.from(c.signature, 'base64'));
}
