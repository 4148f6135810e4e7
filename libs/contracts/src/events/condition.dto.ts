import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsString, MaxLength, MinLength } from 'class-validator';
import { IsId } from '../envelope.dto';
import { CodeRule } from '../event-definition';

/** What a condition is about; the category picks its CAMEO demand code (CONDITION_CODE_RULES). */
export const CONDITION_CATEGORIES = ['territorial', 'military', 'monitoring', 'security', 'political', 'humanitarian', 'other'] as const;
export type ConditionCategory = (typeof CONDITION_CATEGORIES)[number];

/**
 * A condition a party puts on its acceptance of a proposal ("Ukrainian forces leave Kursk first").
 * It stays open until a `ConditionResolved` closes it; open conditions lower a CONDITIONAL score.
 */
export class ConditionDto {
  /** Stable within the proposal, so a later `ConditionResolved` can name it (`rus-kursk-withdrawal`). */
  @IsId() conditionId: string;
  /** The condition as the party put it. */
  @IsString() @MinLength(1) @MaxLength(2000) text: string;
  @IsIn(CONDITION_CATEGORIES) category: ConditionCategory;
  /** Who must satisfy it: actor ids (`UKR`, `USA`). */
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(20) @IsId({ each: true }) addressedTo: string[];
}

const categoryIn =
  (...categories: ConditionCategory[]) =>
  (c: ConditionDto) =>
    categories.includes(c.category);

/**
 * A stated condition is a demand (CAMEO 10x, −5.0): withdrawals and limits on arms are demands to
 * de-escalate military engagement (1056), security and political conditions demand a change of
 * policy (1042), the rest is a demand not specified further (100).
 */
export const CONDITION_CODE_RULES: readonly CodeRule<ConditionDto>[] = [
  { cameo: '1056', when: 'category is territorial or military', matches: categoryIn('territorial', 'military') },
  { cameo: '1042', when: 'category is security or political', matches: categoryIn('security', 'political') },
  { cameo: '100', when: 'category is monitoring, humanitarian or other' },
];
