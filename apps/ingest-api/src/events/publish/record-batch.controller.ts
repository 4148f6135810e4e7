import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { FieldProblem, isPlainObject, LedgerError, InvalidEventError, prepareEnvelope } from '@ledger/contracts';
import { Principal } from '@ledger/ledger-store';
import { LedgerMetrics } from '@ledger/ops';
import { ApiProblems, CurrentPrincipal, RequireScopes } from '@ledger/http';
import { PublishResult } from '../shared/publish-result';
import { countRejections } from './count-rejections';
import { EVENT_BODY, EVENT_EXAMPLES, PUBLISH_RESULT } from './envelope.schemas';
import { PublishEventsCommand } from './publish-events.command';

export const MAX_BATCH = 1000;

const BATCH_BODY = {
  type: 'object',
  required: ['events'],
  additionalProperties: false,
  properties: { events: { type: 'array', minItems: 1, maxItems: MAX_BATCH, items: EVENT_BODY } },
};
const BATCH_EXAMPLES = Object.fromEntries(Object.entries(EVENT_EXAMPLES).map(([type, { summary, value }]) => [type, { summary, value: { events: [value] } }]));
const BATCH_RESULT = { type: 'object', required: ['results'], properties: { results: { type: 'array', items: PUBLISH_RESULT } } };

/**
 * POST /v1/events/batch `{ events: [...] }`: up to 1000 envelopes, validated all-or-nothing (one
 * bad item refuses the whole batch, each problem names its item), produced together.
 */
@ApiTags('events')
@Controller('v1/events/batch')
export class RecordBatchController {
  constructor(
    private readonly commands: CommandBus,
    private readonly metrics: LedgerMetrics,
  ) {}

  @Post()
  @HttpCode(202)
  @RequireScopes('publish')
  @ApiOperation({ summary: `Publish 1–${MAX_BATCH} envelopes, validated all or nothing (errors name events.<i>.<field>)` })
  @ApiBody({ required: true, schema: BATCH_BODY, examples: BATCH_EXAMPLES })
  @ApiResponse({ status: 202, description: 'The log acknowledged them; one result per event, in order', schema: BATCH_RESULT })
  @ApiResponse({ status: 200, description: 'Every event was a duplicate', schema: BATCH_RESULT })
  @ApiProblems(400, 409, 413, 415, 503)
  async record(@CurrentPrincipal() principal: Principal, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply): Promise<{ results: PublishResult[] }> {
    return countRejections(this.metrics, body, async () => {
      const items = batchItems(body);
      const problems: FieldProblem[] = [];
      const events = items.flatMap((item, index) => {
        try {
          return [prepareEnvelope(item, principal.publisher)];
        } catch (e) {
          if (!(e instanceof InvalidEventError)) throw e;
          const errors = e.extra.errors as { field: string; message: string }[];
          problems.push(...errors.map((p) => ({ field: `events.${index}${p.field ? '.' + p.field : ''}`, message: p.message })));
          return [];
        }
      });
      if (problems.length)
        throw new InvalidEventError(
          'batch.invalid',
          problems,
          `${new Set(problems.map((p) => p.field.split('.')[1])).size} of ${items.length} events are not valid; nothing was published`,
        );
      const results = await this.commands.execute(new PublishEventsCommand(events));
      if (results.every((r) => r.status === 'duplicate')) void reply.status(200);
      return { results };
    });
  }
}

function batchItems(body: unknown): unknown[] {
  if (!isPlainObject(body) || !Array.isArray(body.events)) {
    throw new InvalidEventError('batch.invalid', [{ field: 'events', message: 'the body must be { "events": [ ... ] }' }]);
  }
  const extra = Object.keys(body).filter((k) => k !== 'events');
  if (extra.length)
    throw new InvalidEventError(
      'batch.invalid',
      extra.map((k) => ({ field: k, message: `property ${k} should not exist` })),
    );
  if (body.events.length === 0) throw new InvalidEventError('batch.invalid', [{ field: 'events', message: 'events must not be empty' }]);
  if (body.events.length > MAX_BATCH) {
    throw new LedgerError(413, 'batch.too_large', 'Too many events', `A batch holds at most ${MAX_BATCH} events; this one has ${body.events.length}.`);
  }
  return body.events;
}
