import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { EventEnvelope } from '../envelope';
import { CodeRule, defineEvent } from '../event-definition';

export const STATEMENT_TONES = ['neutral', 'optimistic', 'pessimistic', 'accord', 'denial'] as const;
/** How a statement sounds: CAMEO 010 neutral, 013 optimistic, 012 pessimistic, 019 accord, 016 denial. */
export type StatementTone = (typeof STATEMENT_TONES)[number];

/** What a party said: public statement, comment or declaration. Moves lean only, never the category. */
export class StatementMadeData {
  /** The statement, quoted or paraphrased. */
  @IsString() @MinLength(1) @MaxLength(10000) text: string;
  @IsIn(STATEMENT_TONES) tone: StatementTone;
  /** Free topic tags (`ceasefire`, `sanctions`); leaving them out means none. */
  @IsOptional() @IsArray() @IsString({ each: true }) @MaxLength(64, { each: true }) @ArrayMaxSize(20) topics?: string[];
}

/** ★ A statement by a party (CAMEO 01x). */
export type StatementMade = EventEnvelope<'StatementMade', StatementMadeData>;

const TONE_CODES: Record<StatementTone, string> = { neutral: '010', optimistic: '013', pessimistic: '012', accord: '019', denial: '016' };

export const StatementMadeEvent = defineEvent<StatementMadeData>({
  type: 'StatementMade',
  schemaVersion: 1,
  upcasters: {},
  description: 'A public statement by a party; its tone sets the CAMEO code. Moves lean, never the category.',
  dataClass: StatementMadeData,
  requiresProposal: false,
  defaultCodeRules: STATEMENT_TONES.map((tone): CodeRule<StatementMadeData> => ({ cameo: TONE_CODES[tone], when: `data.tone is ${tone}`, matches: (d) => d.tone === tone })),
  example: {
    eventId: '6f1c2a8e-1b7d-4c55-9a57-2f6a0f3b9d10',
    type: 'StatementMade',
    schemaVersion: 1,
    occurredAt: { value: '2025-03-14', precision: 'day' },
    actors: [{ actorId: 'trump', capacity: 'head_of_state', onBehalfOf: 'USA' }],
    proposalId: 'us-30-day-ceasefire-2025',
    evidence: {
      quote: 'there is a strong chance that this terrible and bloody war will finally come to an end',
      direct: true,
    },
    data: { text: 'Strong chance the war will end after productive talks with Putin.', tone: 'optimistic', topics: ['ceasefire'] },
  },
});
