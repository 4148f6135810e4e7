import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import { EventEnvelope } from '../envelope';
import { IsId } from '../envelope.dto';
import { defineEvent } from '../event-definition';

export const ACTOR_KINDS = ['state', 'person', 'state_organ', 'delegation', 'organization', 'commentator'] as const;
/** Commentators are recorded for context and never counted in stances or dyads (DOMAIN.md §1). */
export type ActorKind = (typeof ACTOR_KINDS)[number];

const HAS_PRINCIPAL: readonly ActorKind[] = ['state_organ', 'delegation'];

/** An entry of the actor registry; later events name the actor by `id`. */
// The @ValidateIf on `principal`, as JSON Schema: organs and delegations must name one.
@JSONSchema({ if: { properties: { kind: { enum: HAS_PRINCIPAL } }, required: ['kind'] }, then: { required: ['principal'] } } as Parameters<typeof JSONSchema>[0])
export class ActorRegisteredData {
  /** Registry id: ISO alpha-3 for states (`RUS`), a slug for everyone else (`peskov`). */
  @IsId() id: string;
  @IsIn(ACTOR_KINDS) kind: ActorKind;
  /** Display name. */
  @IsString() @MinLength(1) @MaxLength(200) name: string;
  /** Other names the sources use (`Russia`, `Moscow`, `the Kremlin`), for matching reports to ids. */
  @IsOptional() @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @MaxLength(200, { each: true }) aliases?: string[];
  /** ISO 3166-1 alpha-3 code, for states. */
  @IsOptional() @Matches(/^[A-Z]{3}$/, { message: '$property must be an ISO 3166-1 alpha-3 code' }) iso3?: string;
  /** The state an organ or a delegation belongs to; required for those kinds, since roll-up ends there. */
  @ValidateIf((o: ActorRegisteredData) => HAS_PRINCIPAL.includes(o.kind) || o.principal !== undefined)
  @IsId()
  principal?: string;
  /** The members of a delegation; a compound act of the delegation expands per member. */
  @IsOptional() @IsArray() @ArrayMaxSize(100) @IsId({ each: true }) members?: string[];
}

/** An actor enters the registry. Its subject is the actor itself: `actors[0].actorId` = `data.id`. */
export type ActorRegistered = EventEnvelope<'ActorRegistered', ActorRegisteredData>;

export const ActorRegisteredEvent = defineEvent<ActorRegisteredData>({
  type: 'ActorRegistered',
  schemaVersion: 1,
  upcasters: {},
  description: 'Registers a state, person, organ, delegation, organisation or commentator under a stable id. Not coded.',
  dataClass: ActorRegisteredData,
  requiresProposal: false,
  defaultCodeRules: [],
  example: {
    eventId: '75f17f38-614a-429b-8fe6-bb2c2881ffb8',
    type: 'ActorRegistered',
    schemaVersion: 1,
    occurredAt: { value: '2025-03-10', precision: 'day' },
    actors: [{ actorId: 'RUS' }],
    data: { id: 'RUS', kind: 'state', name: 'Russian Federation', aliases: ['Russia', 'Moscow'], iso3: 'RUS' },
  },
});
