import { IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { EventEnvelope } from '../envelope';
import { defineEvent } from '../event-definition';
import { IsCalendarDate } from '../validators';

/** A party declares a truce or ceasefire. */
export class CeasefireDeclaredData {
  /** What it covers (`all front lines`, `strikes on energy infrastructure`). */
  @IsString() @MinLength(1) @MaxLength(500) scope: string;
  /** First day it applies. */
  @IsCalendarDate() start: string;
  /** For a time-bound truce. */
  @IsOptional() @IsInt() @Min(1) @Max(3650) durationDays?: number;
}

/**
 * A declared ceasefire (CAMEO 0871). With a `proposalId` on the envelope it implements that
 * proposal, and the declarers' positions on it become ACCEPTED; without one it stands alone.
 */
export type CeasefireDeclared = EventEnvelope<'CeasefireDeclared', CeasefireDeclaredData>;

export const CeasefireDeclaredEvent = defineEvent<CeasefireDeclaredData>({
  type: 'CeasefireDeclared',
  schemaVersion: 1,
  upcasters: {},
  description: "A party declares a ceasefire; with a proposalId, the declarers' positions on it become ACCEPTED.",
  dataClass: CeasefireDeclaredData,
  requiresProposal: false,
  defaultCodeRules: [{ cameo: '0871' }],
  example: {
    eventId: '454584cf-e057-4cef-9488-244c23f0db70',
    type: 'CeasefireDeclared',
    schemaVersion: 1,
    occurredAt: { value: '2025-03-18', precision: 'day' },
    actors: [{ actorId: 'putin', capacity: 'head_of_state', onBehalfOf: 'RUS' }],
    recipients: [{ actorId: 'UKR' }],
    data: { scope: 'Strikes on energy infrastructure', start: '2025-03-18', durationDays: 30 },
  },
});
