import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { EventEnvelope } from '../envelope';
import { defineEvent } from '../event-definition';

export const PROPOSAL_KINDS = ['ceasefire', 'peace_plan', 'talks', 'sanctions_relief', 'other'] as const;
/** What a proposal is; acceptances and rejections are coded by it. */
export type ProposalKind = (typeof PROPOSAL_KINDS)[number];

/** A proposal's content. Its id is the envelope's `proposalId`, never repeated here. */
export class ProposalDto {
  /** Short name (`30-day ceasefire`). */
  @IsString() @MinLength(1) @MaxLength(200) title: string;
  @IsIn(PROPOSAL_KINDS) kind: ProposalKind;
  /** The terms as listed by the proposer, one per entry; left out when none are known. */
  @IsOptional() @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @MaxLength(1000, { each: true }) terms?: string[];
  /** For time-bound proposals (a 30-day truce). */
  @IsOptional() @IsInt() @Min(1) @Max(3650) durationDays?: number;
}

/** A party puts a proposal on the table. */
export class ProposalMadeData {
  @IsObject() @ValidateNested() @Type(() => ProposalDto) proposal: ProposalDto;
  /** The version this event states; a proposal starts at 1 and `ProposalAmended` raises it. */
  @IsInt() @Min(1) version: number;
  /**
   * The proposer is not a party to the dispute (a mediator's plan). Only the data can say so, since
   * the registry does not know who the disputants are; it selects CAMEO 027 over 020.
   */
  @IsOptional() @IsBoolean() thirdParty?: boolean;
}

/** A proposal is made; its proposer's position becomes PROPOSER. */
export type ProposalMade = EventEnvelope<'ProposalMade', ProposalMadeData>;

export const ProposalMadeEvent = defineEvent<ProposalMadeData>({
  type: 'ProposalMade',
  schemaVersion: 1,
  upcasters: {},
  description: 'A party makes a proposal (id = the envelope proposalId); the proposer becomes PROPOSER.',
  dataClass: ProposalMadeData,
  requiresProposal: true,
  defaultCodeRules: [
    // A ceasefire call is an appeal to de-escalate whoever makes it; the kind decides before the proposer.
    { cameo: '0256', when: 'data.proposal.kind is ceasefire', matches: (d) => d.proposal?.kind === 'ceasefire' },
    { cameo: '027', when: 'data.thirdParty is true', matches: (d) => d.thirdParty === true },
    { cameo: '020', when: 'otherwise' },
  ],
  example: {
    eventId: '15c03482-8c57-4cff-a9aa-83b6bb5088ff',
    type: 'ProposalMade',
    schemaVersion: 1,
    occurredAt: { value: '2025-W11', precision: 'week' },
    actors: [{ actorId: 'USA' }],
    recipients: [{ actorId: 'RUS' }, { actorId: 'UKR' }],
    proposalId: 'us-30-day-ceasefire-2025',
    data: {
      proposal: {
        title: '30-day ceasefire',
        kind: 'ceasefire',
        terms: ['Immediate interim ceasefire of 30 days', 'Extendable by mutual agreement', 'Takes effect once Russia accepts and implements it too'],
        durationDays: 30,
      },
      version: 1,
      thirdParty: true,
    },
  },
});
