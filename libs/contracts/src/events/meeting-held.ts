import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { EventEnvelope } from '../envelope';
import { IsId } from '../envelope.dto';
import { defineEvent } from '../event-definition';

/**
 * How the meeting took place, from the first actor's side: `visit` it travelled to the other
 * (CAMEO 042), `host` it received the other (043), `third_location` both travelled (044), `phone`
 * a call or exchange of messages (041), `multilateral` a meeting of several parties (040).
 */
export const MEETING_FORMATS = ['visit', 'host', 'third_location', 'phone', 'multilateral'] as const;
export type MeetingFormat = (typeof MEETING_FORMATS)[number];

const FORMAT_CODES: Record<MeetingFormat, string> = { visit: '042', host: '043', third_location: '044', phone: '041', multilateral: '040' };

/** Parties met or talked. */
export class MeetingHeldData {
  /** Who took part: actor ids, at least two. Dyads expand a meeting per pair. */
  @IsArray() @ArrayMinSize(2) @ArrayMaxSize(50) @IsId({ each: true }) participants: string[];
  /** Who received the others, when someone did. */
  @IsOptional() @IsId() host?: string;
  @IsIn(MEETING_FORMATS) format: MeetingFormat;
  /** Where (`Moscow`). */
  @IsOptional() @IsString() @MinLength(1) @MaxLength(200) location?: string;
}

/** A meeting or call that took place (CAMEO 04x by format). */
export type MeetingHeld = EventEnvelope<'MeetingHeld', MeetingHeldData>;

export const MeetingHeldEvent = defineEvent<MeetingHeldData>({
  type: 'MeetingHeld',
  schemaVersion: 1,
  upcasters: {},
  description: 'Parties met or talked (visit, hosting, third location, phone, multilateral); coded by format.',
  dataClass: MeetingHeldData,
  requiresProposal: false,
  defaultCodeRules: (Object.keys(FORMAT_CODES) as MeetingFormat[]).map((format) => ({
    cameo: FORMAT_CODES[format],
    when: `data.format is ${format}`,
    matches: (d: MeetingHeldData) => d.format === format,
  })),
  example: {
    eventId: 'db324ebc-5724-4071-b6d6-47faf0aa0661',
    type: 'MeetingHeld',
    schemaVersion: 1,
    occurredAt: { value: '2025-03-13', precision: 'day' },
    actors: [{ actorId: 'witkoff', capacity: 'special_envoy', onBehalfOf: 'USA' }],
    recipients: [{ actorId: 'putin', onBehalfOf: 'RUS' }],
    proposalId: 'us-30-day-ceasefire-2025',
    data: { participants: ['witkoff', 'putin'], host: 'putin', format: 'visit', location: 'Moscow' },
  },
});
