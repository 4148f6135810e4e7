import { IsIn, IsInt, IsOptional, Min } from 'class-validator';
import { EventEnvelope } from '../envelope';
import { CodeRule, defineEvent } from '../event-definition';
import { PROPOSAL_KINDS, ProposalKind } from './proposal-made';

/** A party accepts a proposal without conditions. */
export class ProposalAcceptedData {
  /** The version accepted; an amendment does not carry the acceptance over. */
  @IsInt() @Min(1) version: number;
  /**
   * The kind of the proposal accepted, as the publisher knows it. Contracts are coded from the event
   * alone, so it is repeated here to select the code: ceasefire → 0356, anything else or absent → 032.
   */
  @IsOptional() @IsIn(PROPOSAL_KINDS) proposalKind?: ProposalKind;
}

/** ★ A party accepts a proposal: its position becomes ACCEPTED and its own open conditions are superseded. */
export type ProposalAccepted = EventEnvelope<'ProposalAccepted', ProposalAcceptedData>;

/** Accepting a ceasefire is an intent to de-escalate (0356); accepting anything else, diplomatic cooperation (032). */
export const ACCEPTANCE_CODE_RULES: readonly CodeRule<{ proposalKind?: ProposalKind }>[] = [
  { cameo: '0356', when: 'data.proposalKind is ceasefire', matches: (d) => d.proposalKind === 'ceasefire' },
  { cameo: '032', when: 'otherwise (no proposalKind or another kind)' },
];

export const ProposalAcceptedEvent = defineEvent<ProposalAcceptedData>({
  type: 'ProposalAccepted',
  schemaVersion: 1,
  upcasters: {},
  description: "A party accepts a proposal's version: ACCEPTED; its own open conditions on it become superseded.",
  dataClass: ProposalAcceptedData,
  requiresProposal: true,
  defaultCodeRules: ACCEPTANCE_CODE_RULES,
  example: {
    eventId: 'bd7d05b9-bf71-4c4e-ba72-1e2cbcc61985',
    type: 'ProposalAccepted',
    schemaVersion: 1,
    occurredAt: { value: '2025-W11', precision: 'week' },
    actors: [{ actorId: 'UKR' }],
    recipients: [{ actorId: 'USA' }],
    proposalId: 'us-30-day-ceasefire-2025',
    evidence: { quote: "Ukrainian and U.S. delegations agreed to Trump's 30-day ceasefire proposal during a meeting in Saudi Arabia", direct: false },
    data: { version: 1, proposalKind: 'ceasefire' },
  },
});
