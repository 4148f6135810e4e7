import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { EventEnvelope } from '../envelope';
import { IsId } from '../envelope.dto';
import { defineEvent } from '../event-definition';

/** Parties negotiated, not merely met. */
export class NegotiationHeldData {
  /** The negotiating parties: actor ids, at least two (delegations or their states). */
  @IsArray() @ArrayMinSize(2) @ArrayMaxSize(50) @IsId({ each: true }) participants: string[];
  /** A mediator or facilitating host that is not itself a negotiating party (`SAU`). */
  @IsOptional() @IsId() mediator?: string;
  /** Where (`Jeddah`). */
  @IsOptional() @IsString() @MinLength(1) @MaxLength(200) location?: string;
}

/** A negotiation round (CAMEO 046); sets the negotiation-phase flag of each participant pair. */
export type NegotiationHeld = EventEnvelope<'NegotiationHeld', NegotiationHeldData>;

export const NegotiationHeldEvent = defineEvent<NegotiationHeldData>({
  type: 'NegotiationHeld',
  schemaVersion: 1,
  upcasters: {},
  description: 'Parties held negotiations, possibly with a mediator; flags the dyads as negotiating.',
  dataClass: NegotiationHeldData,
  requiresProposal: false,
  defaultCodeRules: [{ cameo: '046' }],
  example: {
    eventId: 'b997842d-1501-4215-bbec-610992e19386',
    type: 'NegotiationHeld',
    schemaVersion: 1,
    occurredAt: { value: '2025-W11', precision: 'week' },
    actors: [{ actorId: 'USA' }, { actorId: 'UKR' }],
    data: { participants: ['USA', 'UKR'], mediator: 'SAU', location: 'Jeddah' },
  },
});
