import { Type } from 'class-transformer';
import { IsObject, ValidateNested } from 'class-validator';
import { EventEnvelope } from '../envelope';
import { defineEvent } from '../event-definition';
import { CONDITION_CODE_RULES, ConditionDto } from './condition.dto';

/** A party adds one condition to its stance on a proposal. */
export class ConditionStatedData {
  @IsObject() @ValidateNested() @Type(() => ConditionDto) condition: ConditionDto;
}

/** Adds an open condition: ACCEPTED becomes CONDITIONAL; UNKNOWN stays UNKNOWN (a condition is not a yes). */
export type ConditionStated = EventEnvelope<'ConditionStated', ConditionStatedData>;

export const ConditionStatedEvent = defineEvent<ConditionStatedData>({
  type: 'ConditionStated',
  schemaVersion: 1,
  upcasters: {},
  description: 'A party states one condition on a proposal; ACCEPTED → CONDITIONAL. Coded by the condition category.',
  dataClass: ConditionStatedData,
  requiresProposal: true,
  defaultCodeRules: CONDITION_CODE_RULES.map((rule) => ({
    cameo: rule.cameo,
    when: `data.condition.${rule.when}`,
    matches: rule.matches && ((d: ConditionStatedData) => d.condition !== undefined && rule.matches!(d.condition)),
  })),
  example: {
    eventId: '9db510f8-cf85-4776-a7a7-42fab8f2e44f',
    type: 'ConditionStated',
    schemaVersion: 1,
    occurredAt: { value: '2025-03-13', precision: 'day' },
    actors: [{ actorId: 'putin', capacity: 'head_of_state', onBehalfOf: 'RUS' }],
    recipients: [{ actorId: 'USA' }],
    proposalId: 'us-30-day-ceasefire-2025',
    data: {
      condition: {
        conditionId: 'rus-no-rearmament',
        text: 'No supply of Western weapons to Kyiv while the ceasefire holds',
        category: 'military',
        addressedTo: ['USA'],
      },
    },
  },
});
