import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsObject, IsOptional, ValidateNested } from 'class-validator';
import { EventEnvelope } from '../envelope';
import { IsId } from '../envelope.dto';
import { defineEvent } from '../event-definition';
import { EVENT_TYPES, EventType } from '../event-types';
import { IsCalendarDate } from '../validators';
import { SanctionDto } from './sanction.dto';

/** What would set a conditional threat off: an event of `eventType` by `party`, about `proposalId` if given. */
export class SanctionTriggerDto {
  /** The party whose act triggers the threat (`RUS`). */
  @IsId() party: string;
  /** A catalog type name (`ProposalRejected`). */
  @IsIn(EVENT_TYPES) eventType: EventType;
  /** The proposal the triggering act must be about. */
  @IsOptional() @IsId() proposalId?: string;
}

/** A party threatens a sanction, possibly conditionally ("sanctions if Moscow rejects it"). */
export class SanctionThreatenedData {
  @IsObject() @ValidateNested() @Type(() => SanctionDto) sanction: SanctionDto;
  /** Present for a conditional threat: the tracker arms it and watches for a matching event. */
  @IsOptional() @IsObject() @ValidateNested() @Type(() => SanctionTriggerDto) trigger?: SanctionTriggerDto;
  /** Last day the target has; after it the threat lapses, judged at `asOf`. */
  @IsOptional() @IsCalendarDate() deadline?: string;
  /** An explicit ultimatum (comply or else, by a deadline): CAMEO 139 instead of 1312. */
  @IsOptional() @IsBoolean() ultimatum?: boolean;
}

/**
 * ★ A threat of sanctions. A conditional threat is never a `SanctionImposed`; it does not move
 * stances, it arms the threat tracker.
 */
export type SanctionThreatened = EventEnvelope<'SanctionThreatened', SanctionThreatenedData>;

export const SanctionThreatenedEvent = defineEvent<SanctionThreatenedData>({
  type: 'SanctionThreatened',
  schemaVersion: 1,
  upcasters: {},
  description: 'A party threatens sanctions, possibly triggered by an event of another party; arms the threat tracker.',
  dataClass: SanctionThreatenedData,
  requiresProposal: false,
  defaultCodeRules: [
    { cameo: '139', when: 'data.ultimatum is true', matches: (d) => d.ultimatum === true },
    { cameo: '1312', when: 'otherwise' },
  ],
  example: {
    eventId: 'd63a6a09-26d9-42b3-a4d6-d38f6ab17734',
    type: 'SanctionThreatened',
    schemaVersion: 1,
    occurredAt: { value: '2025-03-12', precision: 'day' },
    actors: [{ actorId: 'trump', capacity: 'head_of_state', onBehalfOf: 'USA' }],
    recipients: [{ actorId: 'RUS' }],
    proposalId: 'us-30-day-ceasefire-2025',
    data: {
      sanction: { kind: 'economic', scope: 'Additional sanctions on Russia' },
      trigger: { party: 'RUS', eventType: 'ProposalRejected', proposalId: 'us-30-day-ceasefire-2025' },
    },
  },
});
