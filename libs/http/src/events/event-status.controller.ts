import { Controller, Get, Inject, Module, Param } from '@nestjs/common';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Pool } from 'pg';
import { LedgerError } from '@ledger/contracts';
import { PG_POOL } from '@ledger/postgres';
import { ApiProblems, apiSchemas } from '../api-docs';
import { RequireScopes } from '../auth/scopes';
import { eventStatus, EventStatus } from '@ledger/ledger-store';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const coordinates = { partition: { type: 'integer' }, offset: { type: 'string' } };
/** A record the projector refused (an id conflict, an invalid envelope…), as its publisher is shown it. */
export const REJECTED_RECORD: SchemaObject = {
  type: 'object',
  required: ['eventId', 'reason', 'problems', 'partition', 'offset', 'recordedAt'],
  properties: {
    eventId: { type: 'string', nullable: true },
    reason: { type: 'string', description: 'stable code: event.id_conflict, envelope.invalid, message.undecodable, headers.mismatch, …' },
    problems: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } },
    ...coordinates,
    recordedAt: { type: 'string', format: 'date-time' },
  },
};
const { EventStatus } = apiSchemas({
  EventStatus: {
    oneOf: [
      {
        type: 'object',
        description: 'Accepted, not applied yet.',
        required: ['eventId', 'status', 'partition', 'offset', 'acceptedAt'],
        properties: { eventId: { type: 'string' }, status: { const: 'pending' }, ...coordinates, acceptedAt: { type: 'string', format: 'date-time' } },
      },
      {
        type: 'object',
        description: 'Applied to the read models; `conflicts` lists later records under the same id with other content, refused as event.id_conflict.',
        required: ['eventId', 'status', 'type', 'partition', 'offset', 'recordedAt', 'conflicts'],
        properties: {
          eventId: { type: 'string' },
          status: { const: 'applied' },
          type: { type: 'string' },
          ...coordinates,
          recordedAt: { type: 'string', format: 'date-time' },
          conflicts: { type: 'array', items: REJECTED_RECORD },
        },
      },
      {
        type: 'object',
        description: 'Refused by the projector, with the reason.',
        required: ['eventId', 'status', 'reason', 'problems', 'partition', 'offset', 'recordedAt'],
        properties: {
          eventId: { type: 'string' },
          status: { const: 'rejected' },
          reason: { type: 'string' },
          problems: {},
          ...coordinates,
          recordedAt: { type: 'string', format: 'date-time' },
        },
      },
    ],
  },
});

/**
 * GET /v1/events/{id}: pending (accepted, not yet applied), applied (with any refused conflicts), or
 * rejected with the reason. Served by the ingest API (publishers) and the query API alike, through
 * EventStatusModule, so one process hosting both registers the route once.
 */
@ApiTags('events')
@Controller('v1/events')
export class EventStatusController {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  @Get(':id')
  @RequireScopes('publish', 'read')
  @ApiOperation({ summary: 'Where an event stands: pending, applied, or rejected with the reason' })
  @ApiParam({ name: 'id', schema: { type: 'string', format: 'uuid' } })
  @ApiOkResponse({ schema: EventStatus })
  @ApiProblems(400, 404)
  async get(@Param('id') id: string): Promise<EventStatus> {
    if (!UUID.test(id)) throw new LedgerError(400, 'query.invalid', 'Invalid event id', 'An event id is a UUID.');
    const status = await eventStatus(this.pool, id);
    if (!status) throw new LedgerError(404, 'event.not_found', 'Unknown event', `No event ${id} was accepted or recorded.`);
    return status;
  }
}

@Module({ controllers: [EventStatusController] })
export class EventStatusModule {}
