import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Pool } from 'pg';
import { LedgerError } from '@ledger/contracts';
import { PG_POOL } from '@ledger/postgres';
import { ApiProblems, apiSchemas, RequireScopes } from '@ledger/http';
import { eventStatus, EventStatus } from '@ledger/ledger-store';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const coordinates = { partition: { type: 'integer' }, offset: { type: 'string' } };
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
        description: 'Applied to the read models.',
        required: ['eventId', 'status', 'type', 'partition', 'offset', 'recordedAt'],
        properties: { eventId: { type: 'string' }, status: { const: 'applied' }, type: { type: 'string' }, ...coordinates, recordedAt: { type: 'string', format: 'date-time' } },
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

/** GET /v1/events/{id}: pending (accepted, not yet applied), applied, or rejected with the reason. */
@ApiTags('events')
@Controller('v1/events')
export class GetEventStatusController {
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
