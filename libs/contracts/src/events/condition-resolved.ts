import { IsIn } from 'class-validator';
import { EventEnvelope } from '../envelope';
import { IsId } from '../envelope.dto';
import { defineEvent } from '../event-definition';

export const CONDITION_RESOLUTIONS = ['met', 'waived', 'dropped', 'superseded'] as const;
/** How a condition closed: met by its addressees, waived or dropped by the party that stated it, or superseded by a newer stance. */
export type ConditionResolution = (typeof CONDITION_RESOLUTIONS)[number];

/** Closes one open condition of the proposal named by the envelope. */
export class ConditionResolvedData {
  /** The `conditionId` given when the condition was stated. */
  @IsId() conditionId: string;
  @IsIn(CONDITION_RESOLUTIONS) resolution: ConditionResolution;
}

/** A condition closes; the position never becomes ACCEPTED by this alone. */
export type ConditionResolved = EventEnvelope<'ConditionResolved', ConditionResolvedData>;

export const ConditionResolvedEvent = defineEvent<ConditionResolvedData>({
  type: 'ConditionResolved',
  schemaVersion: 1,
  upcasters: {},
  description: 'Closes an open condition (met/waived/dropped/superseded); never upgrades to ACCEPTED by itself. Not coded.',
  dataClass: ConditionResolvedData,
  // The proposal is the Kafka key: the resolution must be folded in order with the condition it closes.
  requiresProposal: true,
  defaultCodeRules: [],
  example: {
    eventId: 'c2a75a15-3273-452c-abf0-6881737224cd',
    type: 'ConditionResolved',
    schemaVersion: 1,
    // Day precision after the conditional acceptance it resolves (13 March): a month-precise date would
    // sort before it (fold order: the start of March) and resolve nothing.
    occurredAt: { value: '2025-03-20', precision: 'day' },
    actors: [{ actorId: 'putin', capacity: 'head_of_state', onBehalfOf: 'RUS' }],
    proposalId: 'us-30-day-ceasefire-2025',
    data: { conditionId: 'rus-kursk-withdrawal', resolution: 'dropped' },
  },
});
