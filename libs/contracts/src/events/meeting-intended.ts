import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsObject, IsOptional, ValidateNested } from 'class-validator';
import { EventEnvelope } from '../envelope';
import { IsId, OccurredAtDto } from '../envelope.dto';
import { defineEvent } from '../event-definition';
import { IsOccurredAt } from '../validators';

/** Parties announce they mean to meet or talk. */
export class MeetingIntendedData {
  /** Who is to meet: actor ids, at least two. */
  @IsArray() @ArrayMinSize(2) @ArrayMaxSize(50) @IsId({ each: true }) participants: string[];
  /** When, at the precision announced (`2025-W12`), if any was. */
  @IsOptional() @IsObject() @IsOccurredAt() @ValidateNested() @Type(() => OccurredAtDto) when?: OccurredAtDto;
}

/** An intent to meet (CAMEO 036): a future cooperative act is an intent, never a `MeetingHeld`. */
export type MeetingIntended = EventEnvelope<'MeetingIntended', MeetingIntendedData>;

export const MeetingIntendedEvent = defineEvent<MeetingIntendedData>({
  type: 'MeetingIntended',
  schemaVersion: 1,
  upcasters: {},
  description: 'Parties announce a meeting or call they intend to hold, with its time if known.',
  dataClass: MeetingIntendedData,
  requiresProposal: false,
  defaultCodeRules: [{ cameo: '036' }],
  example: {
    eventId: 'b345fc16-f4bc-498d-be5f-2f70cc9cbc87',
    type: 'MeetingIntended',
    schemaVersion: 1,
    occurredAt: { value: '2025-03-14', precision: 'day' },
    actors: [{ actorId: 'peskov', capacity: 'spokesperson', onBehalfOf: 'RUS' }],
    // For whom each side speaks: the catalog registers no roles for Putin or Trump in 2025.
    recipients: [{ actorId: 'trump', onBehalfOf: 'USA' }],
    evidence: {
      quote: 'When Mr. Witkoff delivers all the information to President Trump, we will determine the timing of their conversation.',
      direct: true,
    },
    data: { participants: ['putin', 'trump'] },
  },
});
