import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import { decodeEvent } from './codec';
import { EventEnvelope } from './envelope';

/** The chain's start: the "previous hash" of a partition's first record. */
export const GENESIS_HASH = Buffer.alloc(32);

/**
 * The bytes a log record contributes to its partition's hash chain: the canonical JSON of its
 * envelope when it decodes to a valid one (so the journal's stored envelope reproduces them), else
 * its raw value. Computable from the log alone, and from the journal alone.
 */
export function recordBytes(value: Buffer | null): Buffer {
  const decoded = decodeEvent(value);
  return decoded.ok ? envelopeBytes(decoded.event) : (value ?? Buffer.alloc(0));
}

export function envelopeBytes(event: EventEnvelope): Buffer {
  return Buffer.from(canonicalJson(event), 'utf8');
}

/** hash = sha256(previous hash ‖ canonical bytes). */
export function chainHash(previous: Buffer, bytes: Buffer): Buffer {
  return createHash('sha256').update(previous).update(bytes).digest();
}
