import { ArrayMaxSize, IsArray, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { EventEnvelope } from '../envelope';
import { defineEvent } from '../event-definition';

/** A party accuses the recipients of something (bad faith, aggression, a violation). */
export class AccusationMadeData {
  /** The accusation, quoted or paraphrased. */
  @IsString() @MinLength(1) @MaxLength(10000) text: string;
  /** The recorded events it is about (`eventId`s). */
  @IsOptional() @IsArray() @ArrayMaxSize(20) @IsUUID('all', { each: true }) aboutEventIds?: string[];
}

/** An accusation (CAMEO 112); moves the accuser's lean towards the accused, never the category. */
export type AccusationMade = EventEnvelope<'AccusationMade', AccusationMadeData>;

export const AccusationMadeEvent = defineEvent<AccusationMadeData>({
  type: 'AccusationMade',
  schemaVersion: 1,
  upcasters: {},
  description: 'A party accuses the recipients (bad faith, aggression). Moves lean only, never the category.',
  dataClass: AccusationMadeData,
  requiresProposal: false,
  defaultCodeRules: [{ cameo: '112' }],
  example: {
    eventId: '387f554f-e986-4b5d-a558-e001bd809786',
    type: 'AccusationMade',
    schemaVersion: 1,
    occurredAt: { value: '2025-03-13', precision: 'day' },
    reportedAt: '2025-03-14T08:00:00Z',
    actors: [{ actorId: 'zelensky', capacity: 'head_of_state', onBehalfOf: 'UKR' }],
    recipients: [{ actorId: 'RUS' }],
    proposalId: 'us-30-day-ceasefire-2025',
    evidence: {
      quote: 'Moscow is imposing conditions on the ceasefire to delay any real progress or stall negotiations for as long as possible',
      direct: true,
    },
    data: {
      text: 'Russia sets conditions on the ceasefire to stall negotiations.',
      // The ProposalAcceptedConditionally example: Putin's conditions.
      aboutEventIds: ['1d9cf0f5-bf69-4511-a77f-acbd213bc430'],
    },
  },
});
