import { findDefinition } from './catalog';
import { Codes, EventEnvelope } from './envelope';
import { pickCodes } from './event-definition';

/** The codes an event counts with: the publisher's when given, else its type's default. */
export function effectiveCodes(event: EventEnvelope): Codes | undefined {
  if (event.codes) return event.codes;
  return findDefinition(event.type)?.defaultCodes(event.data as object);
}

/**
 * The further acts an event implies, each coded on its own: one 10x demand per condition of a
 * conditional acceptance. Dyads count them besides `effectiveCodes`; most types imply none.
 */
export function impliedCodes(event: EventEnvelope): Codes[] {
  const implied = findDefinition(event.type)?.implied;
  if (!implied) return [];
  return implied.items(event.data).flatMap((item) => pickCodes(implied.rules, item) ?? []);
}
