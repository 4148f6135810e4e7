import { Type } from 'class-transformer';
import { IsObject, ValidateNested } from 'class-validator';
import { EventEnvelope } from '../envelope';
import { defineEvent } from '../event-definition';
import { SanctionDto } from './sanction.dto';

/** A party lifts or eases a sanction it holds on the recipients. */
export class SanctionEasedData {
  @IsObject() @ValidateNested() @Type(() => SanctionDto) sanction: SanctionDto;
}

/** Sanctions are eased (CAMEO 085). */
export type SanctionEased = EventEnvelope<'SanctionEased', SanctionEasedData>;

export const SanctionEasedEvent = defineEvent<SanctionEasedData>({
  type: 'SanctionEased',
  schemaVersion: 1,
  upcasters: {},
  description: 'A party lifts or eases a sanction on the recipients.',
  dataClass: SanctionEasedData,
  requiresProposal: false,
  defaultCodeRules: [{ cameo: '085' }],
  example: {
    eventId: '3e640f6d-1513-473d-944f-e0c30bb5b30b',
    type: 'SanctionEased',
    schemaVersion: 1,
    occurredAt: { value: '2025-03-11', precision: 'day' },
    actors: [{ actorId: 'USA' }],
    recipients: [{ actorId: 'UKR' }],
    data: { sanction: { kind: 'aid', scope: 'Pause on intelligence sharing and security assistance lifted' } },
  },
});
