import { chainHash, envelopeBytes } from '@ledger/contracts';
import { Checkpoint } from '@ledger/ledger-store';
import { checkpointValid } from './checkpoint-signing';
import { EXPORT_FORMAT } from './export';
import { TrustedKey } from './signing-key';

/** One thing in an export that does not hold, by its line number (1-based). */
export interface ExportProblem {
  line: number;
  check: 'format' | 'record-fields' | 'record-hash' | 'chain' | 'checkpoint';
  eventId?: string;
  detail: string;
}

export interface ExportReport {
  /** No problem found. Say nothing about signatures: see `signed`. */
  ok: boolean;
  /** Every event line reached the head of a checkpoint whose signature holds under the trusted key. */
  signed: boolean;
  keyId: string | null;
  lines: number;
  events: number;
  links: number;
  checkpoints: { checked: number; valid: number };
  /** Why `signed` is false, when it is. */
  unsigned: string[];
  problems: ExportProblem[];
}

interface Entry {
  line: number;
  hash: string;
  bytes: Buffer;
}

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Checks a `ledger export` file with nothing but its lines and the trusted public key: each event's
 * envelope hashes with its stated previous hash to its stated hash; the chain from it through the
 * link lines reaches its checkpoint's signed head for its partition; the checkpoint's signature
 * holds. Every problem names its line.
 */
export function verifyExport(text: string, key?: TrustedKey): ExportReport {
  const problems: ExportProblem[] = [];
  const unsigned = new Set<string>();
  const raw = text.split('\n');
  if (raw[raw.length - 1] === '') raw.pop();
  const events: { line: number; e: any }[] = [];
  const checkpoints = new Map<string, { line: number; c: Checkpoint }>();
  const chain = new Map<number, Map<bigint, Entry>>();
  let links = 0;
  const entries = (p: number) => chain.get(p) ?? chain.set(p, new Map()).get(p)!;

  raw.forEach((text, i) => {
    const line = i + 1;
    let o: any;
    try {
      o = JSON.parse(text);
    } catch {
      return void problems.push({ line, check: 'format', detail: 'not a JSON line' });
    }
    if (line === 1 && (o?.kind !== 'export' || o.format !== EXPORT_FORMAT)) problems.push({ line, check: 'format', detail: `the first line is not a ${EXPORT_FORMAT} header` });
    const where = typeof o?.partition === 'number' && /^\d{1,19}$/.test(String(o.offset)) ? { partition: o.partition as number, offset: BigInt(o.offset) } : undefined;
    if (o?.kind === 'event') {
      if (!where || typeof o.envelope !== 'object' || !o.envelope || !HEX64.test(o.hash) || !HEX64.test(o.prevHash)) {
        return void problems.push({ line, check: 'format', eventId: o.eventId, detail: 'an event line needs partition, offset, prevHash, hash and envelope' });
      }
      events.push({ line, e: o });
      entries(where.partition).set(where.offset, { line, hash: o.hash, bytes: envelopeBytes(o.envelope) });
    } else if (o?.kind === 'link') {
      if (!where || !HEX64.test(o.hash) || typeof o.bytes !== 'string')
        return void problems.push({ line, check: 'format', detail: 'a link line needs partition, offset, hash and bytes' });
      links++;
      entries(where.partition).set(where.offset, { line, hash: o.hash, bytes: Buffer.from(o.bytes, 'base64') });
    } else if (o?.kind === 'checkpoint') {
      checkpoints.set(String(o.id), { line, c: o as Checkpoint });
    }
  });

  const valid = checkCheckpoints(checkpoints, key, problems, unsigned);
  for (const { line, e } of events) checkEvent(line, e, { chain, checkpoints, valid, problems, unsigned, keyGiven: !!key });

  problems.sort((a, b) => a.line - b.line);
  const seen = new Set<string>();
  const distinct = problems.filter((p) => !seen.has(`${p.line}:${p.check}`) && seen.add(`${p.line}:${p.check}`));
  return {
    ok: distinct.length === 0,
    signed: unsigned.size === 0 && events.length > 0,
    keyId: key?.keyId ?? null,
    lines: raw.length,
    events: events.length,
    links,
    checkpoints: { checked: checkpoints.size, valid: valid.size },
    unsigned: events.length ? [...unsigned] : ['the export holds no event'],
    problems: distinct,
  };
}

function checkCheckpoints(checkpoints: Map<string, { line: number; c: Checkpoint }>, key: TrustedKey | undefined, problems: ExportProblem[], unsigned: Set<string>): Set<string> {
  const valid = new Set<string>();
  if (!key) {
    if (checkpoints.size) unsigned.add('no public key given (--public-key FILE): checkpoint signatures not checked');
    return valid;
  }
  for (const [id, { line, c }] of checkpoints) {
    let holds = false;
    try {
      holds = c.keyId === key.keyId && checkpointValid(c, key.publicKeyPem);
    } catch {
      holds = false;
    }
    if (holds) valid.add(id);
    else problems.push({ line, check: 'checkpoint', detail: `checkpoint ${id} is not validly signed by key ${key.keyId} (signed by ${c.keyId ?? 'nobody'}, or altered)` });
  }
  return valid;
}

interface Context {
  chain: Map<number, Map<bigint, Entry>>;
  checkpoints: Map<string, { line: number; c: Checkpoint }>;
  valid: Set<string>;
  problems: ExportProblem[];
  unsigned: Set<string>;
  keyGiven: boolean;
}

function checkEvent(line: number, e: any, x: Context): void {
  const eventId = String(e.eventId);
  if (e.envelope.eventId !== e.eventId || e.envelope.type !== e.type) {
    x.problems.push({ line, check: 'record-fields', eventId, detail: 'eventId or type differs from the envelope' });
  }
  const own = chainHash(Buffer.from(e.prevHash, 'hex'), envelopeBytes(e.envelope)).toString('hex');
  if (own !== e.hash) {
    x.problems.push({
      line,
      check: 'record-hash',
      eventId,
      detail: `the envelope does not hash to the stated hash ${e.hash.slice(0, 16)}… (altered after export, or not the recorded event)`,
    });
    return;
  }
  if (e.checkpointId === null || e.checkpointId === undefined) {
    x.unsigned.add(`event ${eventId} (line ${line}) is newer than every signed checkpoint: export again after the next one`);
    return;
  }
  const cited = x.checkpoints.get(String(e.checkpointId));
  const partition = e.partition as number;
  const head = cited?.c.heads?.find((h) => h.partition === partition);
  if (!cited || !head) {
    x.problems.push({ line, check: 'chain', eventId, detail: `checkpoint ${e.checkpointId} with a head for partition ${partition} is not in the file` });
    return;
  }
  const entries = x.chain.get(partition)!;
  const last = BigInt(head.nextOffset) - 1n;
  let hash = e.hash as string;
  for (let at = BigInt(e.offset) + 1n; at <= last; at++) {
    const link = entries.get(at);
    if (!link) {
      x.problems.push({ line, check: 'chain', eventId, detail: `the link at partition ${partition}, offset ${at} towards checkpoint ${e.checkpointId} is missing` });
      return;
    }
    const next = chainHash(Buffer.from(hash, 'hex'), link.bytes).toString('hex');
    if (next !== link.hash) {
      x.problems.push({
        line,
        check: 'chain',
        eventId,
        detail: `the chain from this event to checkpoint ${e.checkpointId} breaks at line ${link.line} (partition ${partition}, offset ${at}): that record, after this one, does not hash to its stated hash`,
      });
      return;
    }
    hash = next;
  }
  if (hash !== head.hash) {
    x.problems.push({ line, check: 'chain', eventId, detail: `the chain from this event does not reach the head checkpoint ${e.checkpointId} signed for partition ${partition}` });
    return;
  }
  if (!x.valid.has(String(e.checkpointId)) && x.keyGiven) x.unsigned.add(`checkpoint ${e.checkpointId}'s signature does not hold`);
}
