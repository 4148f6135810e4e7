import { Body, Controller, Headers, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, Principal, RequireScopes } from '@ledger/platform';
import { checkIdempotencyKey, prepareEnvelope } from '../shared/prepare-envelope';
import { PublishResult } from '../shared/publish-result';
import { PublishEventsCommand } from './publish-events.command';

/** POST /v1/events: one envelope → 202 once the log acknowledged it (200 when it is a duplicate). */
@Controller('v1/events')
export class RecordEventController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(202)
  @RequireScopes('publish')
  async record(
    @CurrentPrincipal() principal: Principal,
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PublishResult> {
    const event = prepareEnvelope(body, principal.publisher, checkIdempotencyKey(idempotencyKey));
    const [result] = await this.commands.execute(new PublishEventsCommand([event]));
    if (result.status === 'duplicate') void reply.status(200);
    return result;
  }
}
