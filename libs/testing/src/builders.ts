import { randomUUID } from 'node:crypto';

/** Builders of event bodies as a publisher sends them (no source.publisher: the token gives it). */
export function statementMade(overrides: Record<string, unknown> = {}, data: Record<string, unknown> = {}): Record<string, any> {
  return {
    eventId: randomUUID(),
    type: 'StatementMade',
    schemaVersion: 1,
    occurredAt: { value: '2025-03-14', precision: 'day' },
    actors: [{ actorId: 'trump', capacity: 'head_of_state', onBehalfOf: 'USA' }],
    proposalId: 'us-30-day-ceasefire-2025',
    ...overrides,
    data: { text: 'There is a strong chance that this terrible and bloody war will finally come to an end.', tone: 'optimistic', topics: ['ceasefire'], ...data },
  };
}

/** The same event as a direct Kafka publisher writes it: complete, with source.publisher. */
export function asLogEnvelope(body: Record<string, any>, publisher = 'direct-publisher'): Record<string, any> {
  return { ...body, source: { ...(body.source ?? {}), publisher } };
}
