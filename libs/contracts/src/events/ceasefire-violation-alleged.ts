import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { EventEnvelope } from '../envelope';
import { IsId } from '../envelope.dto';
import { defineEvent } from '../event-definition';

/** A party says a ceasefire was broken. */
export class CeasefireViolationAllegedData {
  /** Who allegedly broke it (actor id). The accuser is the envelope's actor. */
  @IsId() by: string;
  /** Where (`Kursk region`). */
  @IsOptional() @IsString() @MinLength(1) @MaxLength(200) location?: string;
}

/** An allegation (CAMEO 1123, accuse of aggression), not an established violation. */
export type CeasefireViolationAlleged = EventEnvelope<'CeasefireViolationAlleged', CeasefireViolationAllegedData>;

export const CeasefireViolationAllegedEvent = defineEvent<CeasefireViolationAllegedData>({
  type: 'CeasefireViolationAlleged',
  schemaVersion: 1,
  upcasters: {},
  description: 'A party alleges another broke a ceasefire; an accusation, not an established fact.',
  dataClass: CeasefireViolationAllegedData,
  requiresProposal: false,
  defaultCodeRules: [{ cameo: '1123' }],
  example: {
    eventId: '64431a60-44eb-45e9-b589-3ba377878f19',
    type: 'CeasefireViolationAlleged',
    schemaVersion: 1,
    occurredAt: { value: '2025-03-21', precision: 'day' },
    actors: [{ actorId: 'RUS' }],
    recipients: [{ actorId: 'UKR' }],
    data: { by: 'UKR', location: 'Kursk region' },
  },
});
