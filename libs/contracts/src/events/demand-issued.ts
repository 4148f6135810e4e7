import { IsString, MaxLength, MinLength } from 'class-validator';
import { EventEnvelope } from '../envelope';
import { defineEvent } from '../event-definition';

/** A party demands something of the recipients; stronger than an appeal. */
export class DemandIssuedData {
  /** What is demanded. Conditions on a proposal are `ConditionStated`, not demands. */
  @IsString() @MinLength(1) @MaxLength(2000) demand: string;
}

/** A demand (CAMEO 100); moves lean only. `proposalId` on the envelope when it is about a proposal. */
export type DemandIssued = EventEnvelope<'DemandIssued', DemandIssuedData>;

export const DemandIssuedEvent = defineEvent<DemandIssuedData>({
  type: 'DemandIssued',
  schemaVersion: 1,
  upcasters: {},
  description: 'A party demands something of the recipients. Moves lean only.',
  dataClass: DemandIssuedData,
  requiresProposal: false,
  defaultCodeRules: [{ cameo: '100' }],
  example: {
    eventId: '1f7b7ec9-66c6-4faf-9050-49c95591e92e',
    type: 'DemandIssued',
    schemaVersion: 1,
    occurredAt: { value: '2025-03-13', precision: 'day' },
    actors: [{ actorId: 'zelensky', capacity: 'head_of_state', onBehalfOf: 'UKR' }],
    recipients: [{ actorId: 'RUS' }],
    proposalId: 'us-30-day-ceasefire-2025',
    data: { demand: 'Accept the ceasefire without preconditions' },
  },
});
