import { IsOptional, IsString, MaxLength } from 'class-validator';
import { EventEnvelope } from '../envelope';
import { defineEvent } from '../event-definition';

/** A party says it is studying a proposal; the envelope names the proposal, so nothing else is required. */
export class ProposalConsideredData {
  /**
   * What the party said about its deliberation, when worth keeping (`we are studying it`). Optional,
   * and `{}` is valid: the field also keeps the class known to the validator, which refuses
   * classes without any rule.
   */
  @IsOptional() @IsString() @MaxLength(2000) note?: string;
}

/** A party considers a proposal: UNKNOWN becomes NONCOMMITTAL. */
export type ProposalConsidered = EventEnvelope<'ProposalConsidered', ProposalConsideredData>;

export const ProposalConsideredEvent = defineEvent<ProposalConsideredData>({
  type: 'ProposalConsidered',
  schemaVersion: 1,
  upcasters: {},
  description: 'A party says it is considering a proposal: UNKNOWN → NONCOMMITTAL. data may be empty.',
  dataClass: ProposalConsideredData,
  requiresProposal: true,
  defaultCodeRules: [{ cameo: '014' }],
  example: {
    eventId: 'fcb88295-0d00-4ef8-a63f-69a3f2bae480',
    type: 'ProposalConsidered',
    schemaVersion: 1,
    occurredAt: { value: '2025-03-12', precision: 'day' },
    actors: [{ actorId: 'peskov', capacity: 'spokesperson', onBehalfOf: 'RUS' }],
    proposalId: 'us-30-day-ceasefire-2025',
    data: {},
  },
});
