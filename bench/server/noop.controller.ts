import { Body, Controller, HttpCode, Module, Post } from '@nestjs/common';
import { isPlainObject } from '@ledger/contracts';
import { RequireScopes } from '@ledger/http';

/**
 * The baseline of the ingest figures: the same app, the same guard (token, scope, rate bucket), the
 * same JSON body parser, and no work. The difference to POST /v1/events is validation, the
 * duplicate lookup and the Kafka produce.
 */
@Controller('bench/noop')
export class NoopController {
  @Post()
  @HttpCode(202)
  @RequireScopes('publish')
  accept(@Body() body: unknown): { eventId: unknown; status: 'accepted' } {
    return { eventId: isPlainObject(body) ? body.eventId : undefined, status: 'accepted' };
  }
}

@Module({ controllers: [NoopController] })
export class NoopModule {}
