import { Type } from 'class-transformer';
import { IsObject, IsUUID, ValidateNested } from 'class-validator';
import { EventEnvelope } from '../envelope';
import { CitationDto } from '../envelope.dto';
import { defineEvent } from '../event-definition';

/** One more article reporting a recorded event. */
export class CitationAddedData {
  /** The `eventId` of the event cited. */
  @IsUUID('all') targetEventId: string;
  @IsObject() @ValidateNested() @Type(() => CitationDto) citation: CitationDto;
}

/** Adds a source to a recorded event without touching its facts. Share the target's Kafka key. */
export type CitationAdded = EventEnvelope<'CitationAdded', CitationAddedData>;

export const CitationAddedEvent = defineEvent<CitationAddedData>({
  type: 'CitationAdded',
  schemaVersion: 1,
  upcasters: {},
  description: 'Adds an article reporting a recorded event. Not coded.',
  dataClass: CitationAddedData,
  requiresProposal: false,
  defaultCodeRules: [],
  example: {
    eventId: '6ed4d430-b510-41d7-b390-57a9c85f1e9f',
    type: 'CitationAdded',
    schemaVersion: 1,
    occurredAt: { value: '2025-03-14', precision: 'day' },
    actors: [{ actorId: 'trump', capacity: 'head_of_state', onBehalfOf: 'USA' }],
    proposalId: 'us-30-day-ceasefire-2025',
    data: {
      // The StatementMade example: GET /v1/statements lists its citations.
      targetEventId: '6f1c2a8e-1b7d-4c55-9a57-2f6a0f3b9d10',
      citation: { url: 'https://news.example.org/2025/03/14/ceasefire-talks', outlet: 'Example News', publishedAt: '2025-03-14T09:30:00Z' },
    },
  },
});
