import { findDefinition } from './catalog';
import { Codes, EventEnvelope } from './envelope';

/** The codes an event counts with: the publisher's when given, else its type's default. */
export function effectiveCodes(event: EventEnvelope): Codes | undefined {
  if (event.codes) return event.codes;
  return findDefinition(event.type)?.defaultCodes(event.data as object);
}
