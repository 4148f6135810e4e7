import { randomBytes } from 'node:crypto';
import { encodeEvent, validateEnvelope } from '@ledger/contracts';
import { statementMade } from '@ledger/testing';

/** How many subjects (Kafka keys) the generated events spread over, so every partition gets load. */
export const SUBJECTS = 64;
const ID = '00000000-0000-4000-8000-00000000cafe';
const SUBJECT = 'bench-subject-placeholder';

/**
 * Request bodies with a new event id each, made by pasting an id and a subject into a JSON template:
 * next to nothing per request for the load generator. Ids are random-prefixed UUIDs (version 4
 * layout) with a counter in the last group, unique across runs.
 */
export class EventBodies {
  private readonly parts: string[];
  private readonly prefix = `${randomBytes(4).toString('hex')}-${randomBytes(2).toString('hex')}-4${randomBytes(2).toString('hex').slice(1)}-8${randomBytes(2).toString('hex').slice(1)}-`;
  private counter = 0;

  constructor() {
    this.parts = JSON.stringify(statementMade({ eventId: ID, proposalId: SUBJECT })).split(new RegExp(`${ID}|${SUBJECT}`));
    if (this.parts.length !== 3) throw new Error('the event template must hold the id and the subject once each');
  }

  /** One event as JSON text. */
  event(): string {
    const n = this.counter++;
    return this.parts[0] + this.prefix + n.toString(16).padStart(12, '0') + this.parts[1] + 'bench-proposal-' + (n % SUBJECTS) + this.parts[2];
  }

  /** `{ "events": [...] }` with `count` new events. */
  batch(count: number): string {
    let out = '{"events":[';
    for (let i = 0; i < count; i++) out += (i ? ',' : '') + this.event();
    return out + ']}';
  }
}

/** Mean sizes (bytes) of the Kafka record the ingest API writes for a generated event, and 1,000 values. */
export function recordSizes(publisher: string): { value: number; key: number; headers: number; sample: string[] } {
  const bodies = new EventBodies();
  const sample: string[] = [];
  const size = { value: 0, key: 0, headers: 0 };
  const n = 1000;
  for (let i = 0; i < n; i++) {
    const body = JSON.parse(bodies.event()) as Record<string, unknown>;
    const checked = validateEnvelope({ ...body, source: { publisher } });
    if (!checked.ok) throw new Error(`the bench event is not valid: ${JSON.stringify(checked.problems)}`);
    const message = encodeEvent(checked.event);
    sample.push(message.value.toString('utf8'));
    const headers = Object.entries(message.headers).reduce((n, [k, v]) => n + k.length + v.length, 0);
    size.value += message.value.length;
    size.key += message.key.length;
    size.headers += headers;
  }
  return { value: Math.round(size.value / n), key: Math.round(size.key / n), headers: Math.round(size.headers / n), sample };
}
