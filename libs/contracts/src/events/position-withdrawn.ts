import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { EventEnvelope } from '../envelope';
import { defineEvent } from '../event-definition';

/** The categories a party can walk back to; PROPOSER is only ever set by `ProposalMade`. */
export const WITHDRAWAL_CATEGORIES = ['UNKNOWN', 'NONCOMMITTAL', 'CONDITIONAL', 'ACCEPTED', 'REJECTED'] as const;
export type WithdrawalCategory = (typeof WITHDRAWAL_CATEGORIES)[number];

/** A party explicitly takes back its previous stance on a proposal. */
export class PositionWithdrawnData {
  /** The category the party's position falls back to. */
  @IsIn(WITHDRAWAL_CATEGORIES) newCategory: WithdrawalCategory;
  /** Why, in the party's words. */
  @IsOptional() @IsString() @MaxLength(2000) reason?: string;
}

/**
 * The party changed its mind, and it shows in the party's history; unlike `EventRetracted`, which
 * says our record was wrong and removes the act as if it never happened.
 */
export type PositionWithdrawn = EventEnvelope<'PositionWithdrawn', PositionWithdrawnData>;

export const PositionWithdrawnEvent = defineEvent<PositionWithdrawnData>({
  type: 'PositionWithdrawn',
  schemaVersion: 1,
  upcasters: {},
  description: "A party walks back its stance on a proposal to newCategory; shown in the party's history. Not coded.",
  dataClass: PositionWithdrawnData,
  requiresProposal: true,
  defaultCodeRules: [],
  example: {
    eventId: 'ea2f7864-96a8-4db2-b76a-a261e0cefa57',
    type: 'PositionWithdrawn',
    schemaVersion: 1,
    // Week precision: W12 starts 17 March, after UKR's acceptance in W11 that it walks back.
    occurredAt: { value: '2025-W12', precision: 'week' },
    actors: [{ actorId: 'zelensky', capacity: 'head_of_state', onBehalfOf: 'UKR' }],
    proposalId: 'us-30-day-ceasefire-2025',
    data: { newCategory: 'CONDITIONAL', reason: 'Acceptance holds only if Russia stops strikes at the same time' },
  },
});
