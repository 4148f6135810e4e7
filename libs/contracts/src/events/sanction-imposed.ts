import { Type } from 'class-transformer';
import { IsObject, IsOptional, IsUUID, ValidateNested } from 'class-validator';
import { EventEnvelope } from '../envelope';
import { defineEvent } from '../event-definition';
import { SanctionDto } from './sanction.dto';

/** A party imposes a sanction. */
export class SanctionImposedData {
  @IsObject() @ValidateNested() @Type(() => SanctionDto) sanction: SanctionDto;
  /** The `SanctionThreatened` this carries out (its `eventId`); the tracker marks that threat executed. */
  @IsOptional() @IsUUID('all') fulfilsThreat?: string;
}

/** Sanctions are imposed (CAMEO 163). Announced intentions are `SanctionThreatened`, not this. */
export type SanctionImposed = EventEnvelope<'SanctionImposed', SanctionImposedData>;

export const SanctionImposedEvent = defineEvent<SanctionImposedData>({
  type: 'SanctionImposed',
  schemaVersion: 1,
  upcasters: {},
  description: 'A party imposes a sanction, possibly carrying out an earlier threat (fulfilsThreat).',
  dataClass: SanctionImposedData,
  requiresProposal: false,
  defaultCodeRules: [{ cameo: '163' }],
  example: {
    eventId: 'bd6707ee-7439-4a81-a915-c723248e3e29',
    type: 'SanctionImposed',
    schemaVersion: 1,
    occurredAt: { value: '2025-04', precision: 'month' },
    actors: [{ actorId: 'USA' }],
    recipients: [{ actorId: 'RUS' }],
    data: {
      sanction: { kind: 'economic', scope: 'Additional sanctions on Russia' },
      // The SanctionThreatened example.
      fulfilsThreat: 'd63a6a09-26d9-42b3-a4d6-d38f6ab17734',
    },
  },
});
