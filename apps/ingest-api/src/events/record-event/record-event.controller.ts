import { Body, Controller, Headers, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import { prepareEnvelope } from '../shared/prepare-envelope';
import { PublishResult } from '../shared/publish-result';
import { RecordEventCommand } from './record-event.command';

/** POST /v1/events: one envelope → 202 once the log acknowledged it (200 when it is a duplicate). */
@Controller('v1/events')
export class RecordEventController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(202)
  async record(
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PublishResult> {
    const event = prepareEnvelope(body, 'anonymous', idempotencyKey);
    const result = await this.commands.execute(new RecordEventCommand(event));
    if (result.status === 'duplicate') void reply.status(200);
    return result;
  }
}
