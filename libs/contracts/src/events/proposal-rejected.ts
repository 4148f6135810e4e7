import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { EventEnvelope } from '../envelope';
import { defineEvent } from '../event-definition';
import { PROPOSAL_KINDS, ProposalKind } from './proposal-made';

/** A party rejects a proposal. */
export class ProposalRejectedData {
  /** The reasons the party gave, one per entry; left out (or empty) when it gave none. */
  @IsOptional() @IsArray() @ArrayMaxSize(20) @IsString({ each: true }) @MaxLength(2000, { each: true }) reasons?: string[];
  /** The version rejected, when the source makes it clear. */
  @IsOptional() @IsInt() @Min(1) version?: number;
  /**
   * The kind of the proposal rejected; selects the code: ceasefire → 1246 (refuse to de-escalate),
   * peace_plan → 127 (reject a plan to settle the dispute), anything else or absent → 120.
   */
  @IsOptional() @IsIn(PROPOSAL_KINDS) proposalKind?: ProposalKind;
}

/** ★ A party rejects a proposal: its position becomes REJECTED. */
export type ProposalRejected = EventEnvelope<'ProposalRejected', ProposalRejectedData>;

export const ProposalRejectedEvent = defineEvent<ProposalRejectedData>({
  type: 'ProposalRejected',
  schemaVersion: 1,
  upcasters: {},
  description: 'A party rejects a proposal: REJECTED. Coded by the proposal kind.',
  dataClass: ProposalRejectedData,
  requiresProposal: true,
  defaultCodeRules: [
    { cameo: '1246', when: 'data.proposalKind is ceasefire', matches: (d) => d.proposalKind === 'ceasefire' },
    { cameo: '127', when: 'data.proposalKind is peace_plan', matches: (d) => d.proposalKind === 'peace_plan' },
    { cameo: '120', when: 'otherwise (no proposalKind or another kind)' },
  ],
  example: {
    eventId: '749990e3-bcfc-45fc-ba3c-378e2c08a8d0',
    type: 'ProposalRejected',
    schemaVersion: 1,
    // After the ConditionResolved example (20 March): the rejection supersedes the conditions still open.
    occurredAt: { value: '2025-03-24', precision: 'day' },
    actors: [{ actorId: 'RUS' }],
    recipients: [{ actorId: 'USA' }],
    proposalId: 'us-30-day-ceasefire-2025',
    data: { reasons: ['A pause would let Ukraine regroup and rearm'], version: 1, proposalKind: 'ceasefire' },
  },
});
