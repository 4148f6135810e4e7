import { randomUUID } from 'node:crypto';
import { EventEnvelope } from './envelope';
import { FieldProblem } from './problems';
import { isPlainObject, validateEnvelope } from './validate';
import { LedgerError } from './errors';
import { idFromIdempotencyKey } from './event-ids';

/** The request could not become a valid envelope; `errors` names each bad field. */
export class InvalidEventError extends LedgerError {
  constructor(code: string, problems: FieldProblem[], title = 'The event is not valid') {
    super(400, code, title, problems.map((p) => (p.field ? `${p.field}: ${p.message}` : p.message)).join('; '), {
      errors: problems.map((p) => ({ field: p.field, pointer: '#/' + p.field.split('.').filter(Boolean).join('/'), message: p.message })),
    });
  }
}

/**
 * Turns a request body into a complete envelope: the publisher comes from the token (a body that
 * names one is refused), the event id from the body, else from the Idempotency-Key, else a new UUID.
 * Then it is validated exactly as the projector validates what it reads from the log.
 */
export function prepareEnvelope(body: unknown, publisher: string, idempotencyKey?: string): EventEnvelope {
  if (!isPlainObject(body)) throw new InvalidEventError('envelope.invalid', [{ field: '', message: 'an event must be a JSON object' }]);
  const source = body.source;
  if (source !== undefined && !isPlainObject(source)) {
    throw new InvalidEventError('envelope.invalid', [{ field: 'source', message: 'source must be an object' }]);
  }
  if (source && 'publisher' in source) {
    throw new InvalidEventError('envelope.publisher_in_body', [{ field: 'source.publisher', message: 'source.publisher is set from your token and must not be sent' }]);
  }
  if ('recordedAt' in body) {
    throw new InvalidEventError('envelope.invalid', [{ field: 'recordedAt', message: 'recordedAt is set by the ledger (broker append time)' }]);
  }
  const eventId = body.eventId ?? (idempotencyKey ? idFromIdempotencyKey(publisher, idempotencyKey) : randomUUID());
  const result = validateEnvelope({ ...body, eventId, source: { ...(source ?? {}), publisher } });
  if (!result.ok) throw new InvalidEventError(result.reason, result.problems);
  return result.event;
}

/** Idempotency-Key: 1 to 255 printable ASCII characters (as in the IETF draft's examples). */
export function checkIdempotencyKey(key: string | undefined): string | undefined {
  if (key === undefined) return undefined;
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw new InvalidEventError(
      'request.invalid_idempotency_key',
      [{ field: 'Idempotency-Key', message: 'must be 1 to 255 printable ASCII characters' }],
      'Invalid Idempotency-Key header',
    );
  }
  return key;
}
