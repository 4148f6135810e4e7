import { Controller, Get, Inject, Param } from '@nestjs/common';
import { Pool } from 'pg';
import { LedgerError } from '@ledger/contracts';
import { PG_POOL } from '@ledger/postgres';
import { RequireScopes } from '@ledger/platform';
import { eventStatus, EventStatus } from '@ledger/read-models';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** GET /v1/events/{id}: pending (accepted, not yet applied), applied, or rejected with the reason. */
@Controller('v1/events')
export class GetEventStatusController {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  @Get(':id')
  @RequireScopes('publish', 'read')
  async get(@Param('id') id: string): Promise<EventStatus> {
    if (!UUID.test(id)) throw new LedgerError(400, 'query.invalid', 'Invalid event id', 'An event id is a UUID.');
    const status = await eventStatus(this.pool, id);
    if (!status) throw new LedgerError(404, 'event.not_found', 'Unknown event', `No event ${id} was accepted or recorded.`);
    return status;
  }
}
