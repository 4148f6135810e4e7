import { IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { EventEnvelope } from '../envelope';
import { defineEvent } from '../event-definition';

/** Withdraws a recorded event from the record. */
export class EventRetractedData {
  /** The `eventId` of the event retracted. */
  @IsUUID('all') targetEventId: string;
  /** Why our record was wrong (a misread source, a duplicate). */
  @IsString() @MinLength(1) @MaxLength(2000) reason: string;
}

/**
 * "Our record was wrong": the target is excluded from every fold with `knownAt` at or after this.
 * A party changing its mind is `PositionWithdrawn` instead. Share the target's Kafka key, as for
 * `EventCorrected`.
 */
export type EventRetracted = EventEnvelope<'EventRetracted', EventRetractedData>;

export const EventRetractedEvent = defineEvent<EventRetractedData>({
  type: 'EventRetracted',
  schemaVersion: 1,
  upcasters: {},
  description: 'Our record of an event was wrong: the target is excluded from folds known at or after this. Not coded.',
  dataClass: EventRetractedData,
  requiresProposal: false,
  defaultCodeRules: [],
  example: {
    eventId: 'c69805a6-84b6-4643-81c1-21610e1e712e',
    type: 'EventRetracted',
    schemaVersion: 1,
    occurredAt: { value: '2025-03-22', precision: 'day' },
    // The target's actor and no proposal: the same Kafka key as the target.
    actors: [{ actorId: 'RUS' }],
    data: {
      // The CeasefireViolationAlleged example.
      targetEventId: '64431a60-44eb-45e9-b589-3ba377878f19',
      reason: 'Recorded from a report its outlet later withdrew',
    },
  },
});
