import { ArrayMaxSize, IsArray, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { EventEnvelope } from '../envelope';
import { defineEvent } from '../event-definition';

/** A party criticises or denounces the recipients or their acts. */
export class CriticismIssuedData {
  /** The criticism, quoted or paraphrased. */
  @IsString() @MinLength(1) @MaxLength(10000) text: string;
  /** The recorded events it is about (`eventId`s), so the criticism can be read next to them. */
  @IsOptional() @IsArray() @ArrayMaxSize(20) @IsUUID('all', { each: true }) aboutEventIds?: string[];
}

/** Criticism (CAMEO 111); moves lean only, never the category. */
export type CriticismIssued = EventEnvelope<'CriticismIssued', CriticismIssuedData>;

export const CriticismIssuedEvent = defineEvent<CriticismIssuedData>({
  type: 'CriticismIssued',
  schemaVersion: 1,
  upcasters: {},
  description: 'A party criticises or denounces the recipients or their acts. Moves lean only, never the category.',
  dataClass: CriticismIssuedData,
  requiresProposal: false,
  defaultCodeRules: [{ cameo: '111' }],
  example: {
    eventId: '3ae225e9-a996-415f-a3db-798eb907a66c',
    type: 'CriticismIssued',
    schemaVersion: 1,
    occurredAt: { value: '2025-03-13', precision: 'day' },
    actors: [{ actorId: 'zelensky', capacity: 'head_of_state', onBehalfOf: 'UKR' }],
    recipients: [{ actorId: 'putin' }],
    proposalId: 'us-30-day-ceasefire-2025',
    data: {
      text: "Putin's answer to the ceasefire proposal is predictable and manipulative.",
      // The ProposalAcceptedConditionally example.
      aboutEventIds: ['1d9cf0f5-bf69-4511-a77f-acbd213bc430'],
    },
  },
});
