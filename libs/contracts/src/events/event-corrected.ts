import { IsUUID } from 'class-validator';
import { EventEnvelope } from '../envelope';
import { defineEvent } from '../event-definition';
import { IsMergePatch, PATCHABLE_FIELDS } from '../validators';

/** A fix to a recorded event's fields, as a JSON merge patch. */
export class EventCorrectedData {
  /** The `eventId` of the event corrected. */
  @IsUUID('all') targetEventId: string;
  /**
   * A JSON merge patch (RFC 7396) of the target's envelope: members replace, `null` removes, objects
   * merge. Only PATCHABLE_FIELDS; the patched target must still validate as its type, which the
   * projector checks, since only it knows the target.
   */
  @IsMergePatch() patch: Partial<Record<(typeof PATCHABLE_FIELDS)[number], unknown>>;
}

/**
 * Our record of an event was wrong in some field. Give it the target's `proposalId` and first actor
 * so it shares the target's Kafka key, and so its partition and order. The fold uses the latest
 * correction known at `knownAt`.
 */
export type EventCorrected = EventEnvelope<'EventCorrected', EventCorrectedData>;

export const EventCorrectedEvent = defineEvent<EventCorrectedData>({
  type: 'EventCorrected',
  schemaVersion: 1,
  upcasters: {},
  description: "Corrects a recorded event's fields by a JSON merge patch; folds use the latest correction known at knownAt. Not coded.",
  dataClass: EventCorrectedData,
  requiresProposal: false,
  defaultCodeRules: [],
  example: {
    eventId: '0af26946-f8d2-4fb2-babe-d0c6ebc1578b',
    type: 'EventCorrected',
    schemaVersion: 1,
    occurredAt: { value: '2025-03-14', precision: 'day' },
    actors: [{ actorId: 'USA' }],
    proposalId: 'us-30-day-ceasefire-2025',
    data: {
      // The ProposalMade example: the Jeddah statement is dated, so the week becomes a day.
      targetEventId: '15c03482-8c57-4cff-a9aa-83b6bb5088ff',
      patch: { occurredAt: { value: '2025-03-11', precision: 'day' } },
    },
  },
});
