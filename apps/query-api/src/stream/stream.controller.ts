import { Controller, Get, Headers, Query as QueryParams, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { AllowQueryToken, ApiProblems, CurrentPrincipal, parseQuery, RequireScopes } from '@ledger/http';
import type { Principal } from '@ledger/ledger-store';
import { LiveStream } from './live-stream';

/** `token` is read by the auth guard (this route allows it); nothing else may be passed. */
export class StreamParams {
  @IsOptional() @IsString() @MaxLength(512) token?: string;
}

const EXAMPLE = [
  ': connected',
  '',
  'event: applied',
  'data: {"partition":3,"nextOffset":"42","events":[{"eventId":"217b32af-7768-5c51-8fd8-e806d69c2aa5","type":"ProposalAcceptedConditionally"}]}',
  '',
  'event: position',
  'data: {"party":"RUS","proposalId":"us-30-day-ceasefire-2025"}',
  '',
  ': keep-alive',
  '',
].join('\n');

/**
 * GET /v1/stream — server-sent events for dashboards: `applied` after each applied batch,
 * `position` per changed stance (fetch it for the new value), `resync` when something may have
 * been missed, `revoked` before the stream ends because its token was revoked, `: keep-alive`
 * comments every 15 s. The token may come as `?token=` (EventSource cannot send headers).
 */
@ApiTags('stream')
@Controller('v1/stream')
export class StreamController {
  constructor(private readonly live: LiveStream) {}

  @Get()
  @RequireScopes('read')
  @AllowQueryToken()
  @ApiOperation({ summary: 'Live feed of applied batches and changed stances (text/event-stream)' })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description:
      'events `applied` { partition, nextOffset, events: [{ eventId, type }] }, `position` { party, proposalId }, `resync` { reason }, `revoked` { reason } (the token was revoked; the stream ends). The last event of each announcement has an `id:`; send it back as `Last-Event-ID` to get what was missed (or `resync`).',
    content: { 'text/event-stream': { schema: { type: 'string' }, example: EXAMPLE } },
  })
  @ApiProblems(400)
  open(@QueryParams() raw: Record<string, unknown>, @CurrentPrincipal() principal: Principal, @Res() reply: FastifyReply, @Headers('last-event-id') lastEventId?: string): void {
    parseQuery(StreamParams, raw);
    // From here on the raw response is ours: neither Fastify nor Nest answers this request.
    reply.hijack();
    const response = reply.raw;
    response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
    response.write(': connected\n\n');
    const forget = this.live.subscribe(response, principal.tokenId, typeof lastEventId === 'string' ? lastEventId.trim() : undefined);
    response.once('close', forget);
  }
}
