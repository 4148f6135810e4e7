import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsInt, IsObject, IsOptional, Min, ValidateNested } from 'class-validator';
import { EventEnvelope } from '../envelope';
import { defineEvent } from '../event-definition';
import { CONDITION_CODE_RULES, ConditionDto } from './condition.dto';
import { ACCEPTANCE_CODE_RULES } from './proposal-accepted';
import { PROPOSAL_KINDS, ProposalKind } from './proposal-made';

/** A party accepts a proposal subject to conditions, each of which stays open until resolved. */
export class ProposalAcceptedConditionallyData {
  /** The version accepted. */
  @IsInt() @Min(1) version: number;
  /** As on `ProposalAccepted`: selects 0356 (ceasefire) or 032 for the acceptance itself. */
  @IsOptional() @IsIn(PROPOSAL_KINDS) proposalKind?: ProposalKind;
  /** At least one: an acceptance without conditions is a `ProposalAccepted`. Ids are unique. */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ArrayUnique((c: ConditionDto) => c?.conditionId, { message: '$property must not repeat a conditionId' })
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => ConditionDto)
  conditions: ConditionDto[];
}

/** "Yes, but": the position becomes CONDITIONAL with these conditions open. */
export type ProposalAcceptedConditionally = EventEnvelope<'ProposalAcceptedConditionally', ProposalAcceptedConditionallyData>;

export const ProposalAcceptedConditionallyEvent = defineEvent<ProposalAcceptedConditionallyData>({
  type: 'ProposalAcceptedConditionally',
  schemaVersion: 1,
  upcasters: {},
  description: 'A party accepts a proposal subject to conditions: CONDITIONAL, conditions open. Each condition also counts as a 10x demand.',
  dataClass: ProposalAcceptedConditionallyData,
  requiresProposal: true,
  defaultCodeRules: ACCEPTANCE_CODE_RULES,
  implied: { per: 'each condition in data.conditions', items: (d) => d.conditions ?? [], rules: CONDITION_CODE_RULES },
  example: {
    eventId: '1d9cf0f5-bf69-4511-a77f-acbd213bc430',
    type: 'ProposalAcceptedConditionally',
    schemaVersion: 1,
    occurredAt: { value: '2025-03-13', precision: 'day' },
    actors: [{ actorId: 'putin', capacity: 'head_of_state', onBehalfOf: 'RUS' }],
    recipients: [{ actorId: 'USA' }, { actorId: 'UKR' }],
    proposalId: 'us-30-day-ceasefire-2025',
    evidence: { quote: 'Who will determine where and who violated the ceasefire?', direct: true },
    data: {
      version: 1,
      proposalKind: 'ceasefire',
      conditions: [
        { conditionId: 'rus-kursk-withdrawal', text: 'Ukrainian forces withdraw from the Kursk region', category: 'territorial', addressedTo: ['UKR'] },
        { conditionId: 'rus-no-rearmament', text: 'No Western rearmament of Ukraine during the truce', category: 'military', addressedTo: ['USA', 'UKR'] },
        { conditionId: 'rus-front-supervision', text: 'Supervision of the ceasefire along the 2,000 km front line', category: 'monitoring', addressedTo: ['USA', 'UKR'] },
        {
          conditionId: 'rus-root-causes',
          text: 'A lasting peace that addresses the root causes of the war, NATO expansion among them',
          category: 'security',
          addressedTo: ['USA'],
        },
      ],
    },
  },
});
