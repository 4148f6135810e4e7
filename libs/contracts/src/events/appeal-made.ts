import { IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { EventEnvelope } from '../envelope';
import { defineEvent } from '../event-definition';

/**
 * What an appeal asks for, each a CAMEO 02x code: `general` 020, `yield` 025 (concede something),
 * `de_escalation` 0256 (stop or ease fighting), `negotiate` 026 (meet or negotiate).
 */
export const APPEAL_KINDS = ['general', 'yield', 'de_escalation', 'negotiate'] as const;
export type AppealKind = (typeof APPEAL_KINDS)[number];

/** A party calls on the recipients to do something; pressure, not a demand. */
export class AppealMadeData {
  /** What is asked, in the source's words or a close paraphrase. */
  @IsString() @MinLength(1) @MaxLength(2000) ask: string;
  /** Selects the code; absent = `general` (020). */
  @IsOptional() @IsIn(APPEAL_KINDS) kind?: AppealKind;
}

/** An appeal; moves lean only. `proposalId` on the envelope when it is about a proposal. */
export type AppealMade = EventEnvelope<'AppealMade', AppealMadeData>;

export const AppealMadeEvent = defineEvent<AppealMadeData>({
  type: 'AppealMade',
  schemaVersion: 1,
  upcasters: {},
  description: 'A party appeals to the recipients (to accept, yield, de-escalate, negotiate). Moves lean only.',
  dataClass: AppealMadeData,
  requiresProposal: false,
  defaultCodeRules: [
    { cameo: '025', when: 'data.kind is yield', matches: (d) => d.kind === 'yield' },
    { cameo: '0256', when: 'data.kind is de_escalation', matches: (d) => d.kind === 'de_escalation' },
    { cameo: '026', when: 'data.kind is negotiate', matches: (d) => d.kind === 'negotiate' },
    { cameo: '020', when: 'data.kind is general or absent' },
  ],
  example: {
    eventId: '03bb292f-d9e9-453a-853e-576095073ec7',
    type: 'AppealMade',
    schemaVersion: 1,
    occurredAt: { value: '2025-03-12', precision: 'day' },
    actors: [{ actorId: 'trump', capacity: 'head_of_state', onBehalfOf: 'USA' }],
    recipients: [{ actorId: 'RUS' }],
    proposalId: 'us-30-day-ceasefire-2025',
    data: { ask: 'Accept the proposed 30-day ceasefire', kind: 'de_escalation' },
  },
});
