import { createPublicKey, sign, verify } from 'node:crypto';
import { Pool } from 'pg';
import { canonicalJson } from '@ledger/contracts';
import { ChainHead, Checkpoint, insertCheckpoint, listOffsets } from '@ledger/ledger-store';
import { SigningKey } from './signing-key';

/** Reads the projector group's chain heads and stores them signed; answers the checkpoint. */
export async function signCheckpoint(pool: Pool, key: SigningKey, group: string, topic: string, now = new Date()): Promise<Checkpoint | null> {
  const rows = await listOffsets(pool, { group, topic }, { chained: true });
  if (!rows.length) return null;
  const heads: ChainHead[] = rows.map((r) => ({ partition: r.partition, nextOffset: r.nextOffset, hash: r.chainHead! }));
  const payload = canonicalJson({ topic, signedAt: now.toISOString(), heads, keyId: key.keyId });
  const signature = sign(null, Buffer.from(payload, 'utf8'), key.privateKey);
  const id = await insertCheckpoint(pool, { topic, signedAt: now.toISOString(), heads, payload, signature, keyId: key.keyId });
  return { id, topic, signedAt: now.toISOString(), heads, payload, signature: signature.toString('base64'), keyId: key.keyId };
}

/** Whether a checkpoint's signature holds under the trusted public key, and its payload matches its heads. */
export function checkpointValid(c: Checkpoint, publicKeyPem: string): boolean {
  const parsed = JSON.parse(c.payload) as { heads: ChainHead[]; topic: string };
  if (canonicalJson(parsed.heads) !== canonicalJson(c.heads) || parsed.topic !== c.topic) return false;
  return verify(null, Buffer.from(c.payload, 'utf8'), createPublicKey(publicKeyPem), Buffer.from(c.signature, 'base64'));
}
