import { IsIn, IsString, MaxLength, MinLength } from 'class-validator';

export const SANCTION_KINDS = ['economic', 'diplomatic', 'aid'] as const;
/** Economic (trade, finance, energy), diplomatic (relations, visas, expulsions) or aid (military or economic assistance). */
export type SanctionKind = (typeof SANCTION_KINDS)[number];

/** A sanction as threatened, imposed or eased: its kind and what it covers. */
export class SanctionDto {
  @IsIn(SANCTION_KINDS) kind: SanctionKind;
  /** What it covers, in the source's words (`secondary tariffs on Russian oil buyers`). */
  @IsString() @MinLength(1) @MaxLength(500) scope: string;
}
