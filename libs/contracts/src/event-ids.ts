import { createHash } from 'node:crypto';

/** Namespace of ids derived from Idempotency-Key (a fixed, random UUID of ours). */
const IDEMPOTENCY_NAMESPACE = Buffer.from('5b3c9a4e8f2d4c1ab7e6d0f9a1c2b3d4', 'hex');

/**
 * The event id for an Idempotency-Key: a name-based UUID (RFC 9562 version 5) of the publisher and
 * the key, so the same publisher retrying with the same key always gets the same id.
 */
export function idFromIdempotencyKey(publisher: string, key: string): string {
  const hash = createHash('sha1').update(IDEMPOTENCY_NAMESPACE).update(`${publisher}\n${key}`, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
