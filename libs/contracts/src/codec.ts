import * as crypto from 'node:crypto';
import { canonicalJson } from './canonical-json';
import { EventEnvelope, subjectKey } from './envelope';
import { occurredStart } from './occurred-at';
import { FieldProblem } from './problems';
import { InvalidReason, validateEnvelope } from './validate';

/** A message on the ledger log, independent of the log engine (Kafka or the embedded log). */
export interface LogMessage {
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

/** CloudEvents 1.0 Kafka binding, binary mode: attributes travel as `ce_`-prefixed headers. */
export const CE_HEADERS = {
  specversion: 'ce_specversion',
  id: 'ce_id',
  type: 'ce_type',
  source: 'ce_source',
  time: 'ce_time',
  subject: 'ce_subject',
  contentType: 'content-type',
} as const;

/** The Kafka message for an envelope: key = subject, value = the envelope's canonical JSON, CloudEvents headers. */
export function encodeEvent(event: EventEnvelope): LogMessage {
  return encodeEventWith(event, Buffer.from(canonicalJson(event), 'utf8'));
}

/**
 * `encodeEvent` with the canonical bytes already built (`canonicalEnvelope(event).bytes`): the bytes
 * hashed for the receipt are the bytes sent, and nothing is serialised twice.
 */
export function encodeEventWith(event: EventEnvelope, canonical: Buffer): LogMessage {
  const start = occurredStart(event.occurredAt);
  const key = subjectKey(event);
  return {
    key,
    value: canonical,
    headers: {
      [CE_HEADERS.specversion]: '1.0',
      [CE_HEADERS.id]: event.eventId,
      [CE_HEADERS.type]: event.type,
      [CE_HEADERS.source]: `/publishers/${event.source.publisher}`,
      [CE_HEADERS.time]: new Date(start ?? 0).toISOString(),
      [CE_HEADERS.subject]: key,
      [CE_HEADERS.contentType]: 'application/json',
    },
  };
}

export type Decoded = { ok: true; event: EventEnvelope } | { ok: false; reason: InvalidReason | 'message.undecodable'; problems: FieldProblem[] };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes and validates a message value written by anyone (our ingest or a direct publisher). */
export function decodeEvent(value: Buffer | null): Decoded {
  if (!value || value.length === 0) return undecodable('empty message value');
  let text: string;
  try {
    text = utf8.decode(value);
  } catch {
    return undecodable('message value is not valid UTF-8');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return undecodable(`message value is not JSON: ${(e as Error).message}`);
  }
  return validateEnvelope(parsed);
}

function undecodable(message: string): Decoded {
  return { ok: false, reason: 'message.undecodable', problems: [{ field: '', message }] };
}

/**
 * sha256 of the canonical JSON of an envelope without its `source`: equal for equal facts, whatever
 * the key order and whoever relayed them. The same event id with the same fact is a duplicate even
 * when another publisher (or a correlation id) sent it; with another fact it is a conflict.
 */
export function contentHash(event: EventEnvelope): string {
  const { source: _source, ...fact } = event;
  return sha256Hex(canonicalJson(fact));
}

/** An envelope's canonical JSON and its content hash, from one serialisation. */
export interface CanonicalEnvelope {
  /** canonicalJson(event) as UTF-8: the Kafka value and the bytes of the partition's hash chain. */
  bytes: Buffer;
  /** The same JSON as text (what the journal stores). */
  text: string;
  /** The same as `contentHash(event)`. */
  contentSha256: string;
}

/**
 * Builds the canonical JSON of an envelope once and derives both the chain bytes and the content
 * hash from it: the content hash's JSON is the same text without the top-level `source` member.
 * Keys are sorted, so that member sits just before the members whose keys sort after `source`
 * (`type`, mostly): those few are serialised again to find where it starts, and the text around it
 * is hashed. The result is byte-identical to `canonicalJson(event)` and `contentHash(event)` (a spec
 * holds them equal on generated envelopes), from one serialisation of the whole.
 */
export function canonicalEnvelope(event: EventEnvelope): CanonicalEnvelope {
  const text = canonicalJson(event);
  const fact = withoutSource(event as unknown as Record<string, unknown>, text);
  return { bytes: Buffer.from(text, 'utf8'), text, contentSha256: fact === null ? contentHash(event) : sha256Hex(fact) };
}

/** The canonical JSON `text` of `record` without its top-level `source` member (null: not found where expected, which canonicalJson never does). */
function withoutSource(record: Record<string, unknown>, text: string): string | null {
  const source = record.source;
  if (source === undefined) return text;
  const member = '"source":' + canonicalJson(source);
  // The members after it, as canonicalJson printed them: ',"type":"…"' each.
  let after = 0;
  for (const k of Object.keys(record)) {
    if (k > 'source' && record[k] !== undefined) after += JSON.stringify(k).length + 2 + canonicalJson(record[k]).length;
  }
  const end = text.length - 1 - after;
  const start = end - member.length;
  if (!text.startsWith(member, start)) return null;
  // Drop the comma that joins it to its neighbours: the one before it, or after it when it is first.
  if (text[start - 1] === ',') return text.slice(0, start - 1) + text.slice(end);
  return text[end] === ',' ? text.slice(0, start) + text.slice(end + 1) : text.slice(0, start) + text.slice(end);
}

/** Node's one-shot digest (20.12 and later): about half the cost of a Hash object for a short text. */
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

function sha256Hex(text: string): string {
  return oneShot ? oneShot('sha256', text, 'hex') : crypto.createHash('sha256').update(text).digest('hex');
}
