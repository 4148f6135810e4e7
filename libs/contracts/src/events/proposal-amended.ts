import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsString, MaxLength, Min } from 'class-validator';
import { EventEnvelope } from '../envelope';
import { defineEvent } from '../event-definition';

/** The proposer changes the terms; the result is a new version of the same proposal. */
export class ProposalAmendedData {
  /** The version the amendment creates: 2 or later. Stances stay tied to the version they refer to. */
  @IsInt() @Min(2) newVersion: number;
  /** What changed, one entry per added, removed or reworded term. */
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(50) @IsString({ each: true }) @MaxLength(1000, { each: true }) termsDelta: string[];
}

/** A proposal is amended into a new version. */
export type ProposalAmended = EventEnvelope<'ProposalAmended', ProposalAmendedData>;

export const ProposalAmendedEvent = defineEvent<ProposalAmendedData>({
  type: 'ProposalAmended',
  schemaVersion: 1,
  upcasters: {},
  description: 'The proposer amends a proposal into newVersion; earlier stances keep referring to their version.',
  dataClass: ProposalAmendedData,
  requiresProposal: true,
  defaultCodeRules: [{ cameo: '020' }],
  example: {
    eventId: '68e8efcd-2efb-4cef-beb3-c8b6ab4813d2',
    type: 'ProposalAmended',
    schemaVersion: 1,
    // Month precision: April sorts after the proposal made in March (a month sorts at its first day).
    occurredAt: { value: '2025-04', precision: 'month' },
    actors: [{ actorId: 'USA' }],
    recipients: [{ actorId: 'RUS' }, { actorId: 'UKR' }],
    proposalId: 'us-30-day-ceasefire-2025',
    data: { newVersion: 2, termsDelta: ['Added: monitoring of the front line to be agreed by both sides'] },
  },
});
