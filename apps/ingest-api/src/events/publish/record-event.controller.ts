import { Body, Controller, Headers, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBody, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Principal } from '@ledger/ledger-store';
import { LedgerMetrics } from '@ledger/ops';
import { ApiProblems, CurrentPrincipal, RequireScopes } from '@ledger/http';
import { checkIdempotencyKey, prepareEnvelope } from '@ledger/contracts';
import { PublishResult } from '../shared/publish-result';
import { countRejections } from './count-rejections';
import { EVENT_BODY, EVENT_EXAMPLES, PUBLISH_RESULT } from './envelope.schemas';
import { PublishEventsCommand } from './publish-events.command';

/** POST /v1/events: one envelope → 202 once the log acknowledged it (200 when it is a duplicate). */
@ApiTags('events')
@Controller('v1/events')
export class RecordEventController {
  constructor(
    private readonly commands: CommandBus,
    private readonly metrics: LedgerMetrics,
  ) {}

  @Post()
  @HttpCode(202)
  @RequireScopes('publish')
  @ApiOperation({ summary: 'Publish one event envelope (any catalog type)' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Derives the event id (with your publisher id) when the body has no eventId.' })
  @ApiBody({ required: true, schema: EVENT_BODY, examples: EVENT_EXAMPLES })
  @ApiResponse({ status: 202, description: 'The log acknowledged it', schema: PUBLISH_RESULT })
  @ApiResponse({ status: 200, description: 'Accepted before with the same content', schema: PUBLISH_RESULT })
  @ApiProblems(400, 409, 413, 415, 503)
  async record(
    @CurrentPrincipal() principal: Principal,
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PublishResult> {
    return countRejections(this.metrics, body, async () => {
      const event = prepareEnvelope(body, principal.publisher, checkIdempotencyKey(idempotencyKey));
      const [result] = await this.commands.execute(new PublishEventsCommand([event]));
      if (result.status === 'duplicate') void reply.status(200);
      return result;
    });
  }
}
